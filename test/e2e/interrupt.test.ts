// Ctrl-C on a plain (non-TTY) run: the first stops gracefully and still writes
// the report; a second aborts at once, and still no agent or Chromium of the
// run is left behind.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';
import { processesOfRun, untilNoProcessOfRun } from '../harness/processes.js';

interface InterruptedRun extends CliResult {
  out: string;
  tmp: string;
  /** processes of the run when the first Ctrl-C was sent */
  running: number;
}

/** Runs a long test, sends `interrupts` SIGINTs once the first steps are printed, and waits for the exit. */
async function interruptedRun(dir: string, target: string, interrupts: number): Promise<InterruptedRun> {
  const tmp = join(dir, `tmp-${interrupts}`);
  const out = join(dir, `out-${interrupts}`);
  mkdirSync(tmp);
  const args = ['run', fixture('shop.scenario.ts'), '--vus', '2', '--duration', '2m', '--window', '1s', '--env', `TARGET=${target}`, '--out', out, '--db', join(dir, 'runs.db')];
  let sent = 0;
  let running = 0;
  const result = await runCli(args, {
    env: { TMPDIR: tmp },
    timeoutMs: 60_000,
    watch: ({ stdout, stderr }, child) => {
      // A window line with steps in it: VUs are running in real browsers.
      if (sent === 0 && /^\[ *\d+:\d\d\] .* steps [1-9]/m.test(stdout)) {
        sent = 1;
        running = processesOfRun(tmp).length;
        child.kill('SIGINT');
      } else if (sent === 1 && interrupts === 2 && /stopping:/.test(stderr)) {
        sent = 2;
        child.kill('SIGINT');
      }
    },
  });
  return { ...result, out, tmp, running };
}

describe('Ctrl-C during a run', () => {
  let app: DemoApp;
  let dir: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: {} });
    dir = mkdtempSync(join(tmpdir(), 'squall-interrupt-'));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('once: iterations finish, the report is written with status aborted, exit code 3', async () => {
    const run = await interruptedRun(dir, app.url, 1);
    expect(run.stderr).toMatch(/stopping: running iterations finish/);
    expect(run.stderr).not.toMatch(/aborting/);
    expect(run.code).toBe(3);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(run.out, 'report.json'), 'utf8')));
    expect(report.run.status).toBe('aborted');
    expect(report.steps.find((s) => s.name === 'home')!.count).toBeGreaterThan(0);
    expect(report.agents[0]!.status).toBe('done');
    expect(run.running).toBeGreaterThan(1); // the agent and its Chromium were there to find
    // Killed with the run; a browser process may still be on its way out as the CLI exits.
    expect(await untilNoProcessOfRun(run.tmp, 5000)).toBeLessThan(5000);
  });

  it('twice: aborts now, stops the agent and its Chromium, and still reports what was measured', async () => {
    const run = await interruptedRun(dir, app.url, 2);
    expect(run.stderr).toMatch(/aborting: stopping every agent now/);
    expect(run.code).toBe(3);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(run.out, 'report.json'), 'utf8')));
    expect(report.run.status).toBe('aborted');
    expect(report.steps.find((s) => s.name === 'home')!.count).toBeGreaterThan(0);
    expect(run.running).toBeGreaterThan(1);
    // Killed with the run; a browser process may still be on its way out as the CLI exits.
    expect(await untilNoProcessOfRun(run.tmp, 5000)).toBeLessThan(5000);
  });
});
