// The whole local pipeline with real Chromium against the real demo app:
// CLI -> agent child process -> WebSocket -> SQLite -> report.json.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';
import { shareByWeight } from '../../controller/run/assign.js';
import { executeRun, withPreparedRun } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';

describe('squall run, locally, against the demo app', () => {
  let app: DemoApp;
  let dir: string;
  let result: CliResult;
  let report: Report;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 300, 'POST /api/cart': 50 }, cartErrorRate: 0.25 });
    dir = mkdtempSync(join(tmpdir(), 'squall-e2e-'));
    mkdirSync(join(dir, 'tmp'));
    result = await runCli([
      'run', fixture('shop.scenario.ts'),
      '--vus', '2', '--duration', '12s', '--window', '1s',
      '--env', `TARGET=${app.url}`,
      '--out', join(dir, 'out'), '--db', join(dir, 'runs.db'),
    ], { env: { TMPDIR: join(dir, 'tmp') } });
    report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('completes with exit code 0', () => {
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(report.run.status).toBe('completed');
  });

  it('keeps its results and store to their owner: folders 0700, files 0600', () => {
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    expect(mode(join(dir, 'out'))).toBe('700');
    const modes = readdirSync(join(dir, 'out'), { recursive: true, withFileTypes: true }).map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return `${path} ${mode(path)}`;
    });
    const expected = readdirSync(join(dir, 'out'), { recursive: true, withFileTypes: true }).map((entry) => {
      return `${join(entry.parentPath, entry.name)} ${entry.isDirectory() ? '700' : '600'}`;
    });
    expect(modes.length).toBeGreaterThan(5);
    expect(modes).toEqual(expected);
    expect(mode(join(dir, 'runs.db'))).toBe('600');
  });

  it('leaves nothing in the temporary folder: no bundle, no Chromium profile', () => {
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('counts exactly what the app served: every POST, and its injected errors as failures', () => {
    const cart = app.stats()['POST /api/cart']!;
    const step = report.steps.find((s) => s.name === 'add to cart')!;
    expect(cart.hits).toBeGreaterThan(10);
    expect(cart.errors).toBeGreaterThan(0);
    expect(step.count).toBe(cart.hits);
    expect(step.failed).toBe(cart.errors);
    expect(step.count - step.failed).toBe(cart.hits - cart.errors);
    expect(step.errors[0]).toMatchObject({ errorClass: 'Error', count: cart.errors, sample: 'cart says: error: injected failure' });
  });

  it('measures a step behind a fixed 300 ms server latency at between 300 and 600 ms (p50)', () => {
    const home = report.steps.find((s) => s.name === 'home')!;
    expect(home.failed).toBe(0);
    expect(home.count).toBe(app.stats()['GET /api/products']!.hits);
    expect(home.p50).toBeGreaterThanOrEqual(300);
    expect(home.p50).toBeLessThanOrEqual(600);
    expect(home.min).toBeGreaterThanOrEqual(300);
  });

  it('reports iterations, VUs, a series of windows and the agent', () => {
    const cart = app.stats()['POST /api/cart']!;
    expect(report.iterations.completed).toBe(cart.hits - cart.errors);
    expect(report.iterations.failed).toBe(cart.errors);
    expect(report.vus.max).toBe(2);
    expect(report.series.length).toBeGreaterThanOrEqual(12);
    const seriesCount = report.series.reduce((sum, point) => sum + (point.steps['add to cart']?.count ?? 0), 0);
    expect(seriesCount).toBe(cart.hits);
    expect(report.agents).toEqual([expect.objectContaining({ id: 'local', host: 'localhost', vus: 2, status: 'done', windows: report.series.length })]);
  });

  it('prints a progress line per window and a summary with percentiles', () => {
    const progress = result.stdout.split('\n').filter((line) => /^\[\s*\d+:\d\d\]\s+vus \d/.test(line));
    expect(progress.length).toBe(report.series.length);
    // Time counts from the load's start, whatever the wall clock says: windows start at t0 and every window after.
    expect(report.series.map((point) => point.t)).toEqual(report.series.map((_, i) => i * 1000));
    expect(progress.map((line) => line.slice(0, 7))).toEqual(report.series.map((_, i) => `[${`0:${String(i + 1).padStart(2, '0')}`.padStart(5)}]`));
    expect(result.stdout).toMatch(/step\s+count\s+failed\s+p50\s+p90\s+p95\s+p99\s+max\s+per s/);
    expect(result.stdout).toMatch(/^add to cart\s+\d+\s+\d+ \(/m);
    expect(result.stdout).toContain('report.json');
  });

  it('keeps the run, its agent and the merged series in the SQLite store', () => {
    const db = new Database(join(dir, 'runs.db'), { readonly: true });
    try {
      const run = db.prepare('SELECT status, scenario FROM runs WHERE id = ?').get(report.run.id);
      expect(run).toEqual({ status: 'completed', scenario: 'e2e shop' });
      const stored = db.prepare(`SELECT SUM(count) AS n FROM series WHERE run_id = ? AND step = 'add to cart'`).get(report.run.id) as { n: number };
      expect(stored.n).toBe(app.stats()['POST /api/cart']!.hits);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  // A VU worker runs in the agent's own thread when the agent needs one, in threads of their own when it needs more.
  it.each([1, 2])('goes on past promises the scenario leaves rejected, and says so once each (%i VU workers)', async (vuWorkers) => {
    const io = memoryIo();
    const outcome = await withPreparedRun(
      {
        scenario: fixture('floating-rejection.scenario.ts'),
        flags: { vus: 2, duration: '3s' },
        env: { TARGET: app.url },
        window: '1s',
        out: join(dir, `floating-${vuWorkers}`),
        db: join(dir, 'floating.db'),
        dashboard: false,
      },
      io,
      (prepared) => executeRun(prepared, io, { assign: async (p, sites) => (await shareByWeight(p, sites)).map((a) => ({ ...a, vuWorkers })) }),
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report.agents.map((agent) => agent.status)).toEqual(['done']);
    expect(outcome.report.iterations.completed).toBeGreaterThan(4);
    const said = io.stderr().split('\n').filter((line) => line.includes('a promise rejected and nothing handled it'));
    expect(said.filter((line) => line.endsWith('Error: nobody awaited me'))).toHaveLength(1);
    expect(said.some((line) => line.includes('#never-there'))).toBe(true);
  });
});
