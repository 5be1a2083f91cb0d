// The store on a real file system that fills up mid-run (a small tmpfs): the
// writer holds windows within its budget and has agents resend the rest; the
// load goes on, the user is told once per outage, windows are held and saved
// when space comes back, and a disk still full at the end gives exit 3, the
// exact span the store is missing, and a report of what it holds.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { StoreWriter } from '../../controller/run/store-writer.js';
import { RunStore } from '../../controller/store/store.js';
import { windowOf } from '../harness/fake-agent.js';
import { PLAN, windowFrame } from '../harness/store.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { fixture, runCli } from '../harness/cli.js';

/** Writes a file until the file system has no byte left. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe('a disk that fills up during a run', () => {
  let app: DemoApp;
  let dir: string;
  let disk: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: {} });
    dir = mkdtempSync(join(tmpdir(), 'squall-full-disk-'));
    disk = join(dir, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk]);
  });

  afterAll(async () => {
    await app?.close();
    if (disk) execFileSync('umount', ['-l', disk]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds windows within its memory budget, and has the agents resend the rest once the store takes writes again', async () => {
    const path = join(disk, 'writer.db');
    const store = RunStore.open(path);
    store.createRun({ id: 'r1', scenario: 's', scenarioPath: '/dev/null', startedAt: 0, status: 'running', windowMs: 1000, plan: PLAN, config: { envKeys: [], outDir: '/dev/null', thresholds: [] } });
    const notices: string[] = [];
    const resent: string[][] = [];
    const window = (agentId: string, at: number) => {
      const frame = windowFrame('r1', agentId, at + 1, windowOf(at * 1000, 1000, [10, 20]));
      return { agentId, seq: at + 1, windowStart: at * 1000, windowMs: 1000, frame };
    };
    const budget = 2 * window('a1', 0).frame.length * 2 + 100;
    const writes = new StoreWriter('r1', store, { notice: (text) => notices.push(text), resend: (ids) => resent.push([...ids]) }, Date.now, budget);
    await writes.saveWindow(window('a1', 0));
    fill(join(disk, 'writer-filler'));
    // Held (two fit the budget), then refused: not acked, the agent keeps it.
    const results = [];
    for (let at = 1; at <= 40 && !writes.outage; at += 1) results.push(await writes.saveWindow(window('a1', at)));
    expect(writes.outage?.why).toMatch(/SQLITE_FULL/);
    const outageAt = results.length;
    await writes.saveWindow(window('a2', outageAt + 1));
    await expect(writes.saveWindow(window('a3', outageAt + 2))).rejects.toThrow(/at their budget/);
    expect([...writes.leftWithAgents]).toEqual(['a3']);
    expect(writes.retry()).toBe(false);
    rmSync(join(disk, 'writer-filler'));
    expect(writes.retry()).toBe(true);
    expect(resent).toEqual([['a3']]);
    expect(notices.filter((n) => /takes writes again: 2 held windows saved/.test(n))).toHaveLength(1);
    expect(store.windowRange('r1')?.windows).toBe(outageAt + 2);
    store.close();
  });

  it('keeps the load going, saves what it held once space is back, and ends with exit 3 and the span still missing', async () => {
    const db = join(disk, 'runs.db');
    const filler = join(disk, 'filler');
    const out = join(dir, 'out');
    let phase: 'first window' | 'first outage' | 'recovery' | 'second outage' = 'first window';
    const run = await runCli(
      ['run', fixture('shop.scenario.ts'), '--vus', '2', '--duration', '15s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', db],
      {
        timeoutMs: 90_000,
        watch: ({ stdout, stderr }) => {
          if (phase === 'first window' && /^\[ *\d+:\d\d\] .* steps [1-9]/m.test(stdout)) {
            phase = 'first outage';
            fill(filler);
          } else if (phase === 'first outage' && /the store cannot be written/.test(stderr)) {
            phase = 'recovery';
            rmSync(filler);
          } else if (phase === 'recovery' && /the store takes writes again/.test(stderr)) {
            phase = 'second outage';
            fill(filler);
          }
        },
      },
    );
    expect(phase).toBe('second outage');
    // Told once per outage, never a stack trace; exit 3 (1 is for thresholds only).
    expect(run.stderr.match(/the store cannot be written: database or disk is full \(SQLITE_FULL\)/g)).toHaveLength(2);
    expect(run.stderr).toMatch(/the store takes writes again: \d+ held windows? saved/);
    expect(run.stderr).not.toMatch(/internal error|at .*\.(ts|js|mjs):\d+/);
    expect(run.code).toBe(3);
    const missing = /could not be written \(database or disk is full \(SQLITE_FULL\)\): (\d+) windows? from (\S+) \(t=(\d+)s\) to (\S+) \(t=(\d+)s\) \(local\) are not in it; the report covers what it holds/.exec(run.stderr);
    expect(missing, run.stderr).not.toBeNull();
    const [, count, from, , to] = missing!;

    // The report covers exactly the stored windows; with the held ones they are every window the agent sent.
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.run.partial).toBe(true);
    expect(report.agents[0]!.status).toBe('done');
    rmSync(filler);
    const store = new Database(db, { readonly: true });
    const stored = store.prepare('SELECT window_start AS start FROM agent_windows ORDER BY window_start').pluck().all() as number[];
    const expected = store.prepare('SELECT expected_windows FROM agents').pluck().get() as number | null;
    store.close();
    expect(report.agents[0]!.windows).toBe(stored.length);
    // The agent's bye went unstored with the run's end: what it sent is the stored windows plus the missing ones.
    expect(expected === null || expected === stored.length + Number(count)).toBe(true);
    expect(stored.length).toBeGreaterThan(2);
    expect(Number(count)).toBeGreaterThan(0);
    // The missing span lies after every stored window but the ones saved on recovery: nothing stored falls inside it.
    const [fromMs, toMs] = [Date.parse(from!), Date.parse(to!)];
    expect(stored.filter((start) => start >= fromMs && start < toMs)).toEqual([]);
    expect(report.steps.find((s) => s.name === 'home')!.count).toBeGreaterThan(0);
  });
});
