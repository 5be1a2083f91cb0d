// kill -9 of the controller mid-run: nothing of the run keeps burning, and
// the store says what happened: `squall runs` shows the run interrupted and
// `squall report` renders what was stored, marked partial.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { fixture, runCli, squall, type CliResult } from '../harness/cli.js';
import { processesOfRun, untilNoProcessOfRun } from '../harness/processes.js';

describe('the controller killed with SIGKILL mid-run', () => {
  let app: DemoApp;
  let dir: string;
  let crashed: CliResult;
  let runningAtKill = 0;
  let cleanMs = 0;
  const db = () => join(dir, 'runs.db');

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 100, 'POST /api/cart': 50 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-crash-'));
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    let killed = false;
    crashed = await runCli(
      ['run', fixture('shop.scenario.ts'), '--vus', '2', '--duration', '2m', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', join(dir, 'out'), '--db', db()],
      {
        env: { TMPDIR: tmp },
        timeoutMs: 60_000,
        watch: ({ stdout }, child) => {
          // Two windows with steps in them are in the store: then the controller dies.
          if (!killed && (stdout.match(/^\[ *\d+:\d\d\] .* steps [1-9]/gm) ?? []).length >= 2) {
            killed = true;
            runningAtKill = processesOfRun(tmp).length;
            child.kill('SIGKILL');
          }
        },
      },
    );
    cleanMs = await untilNoProcessOfRun(tmp, 20_000);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
  });

  it('leaves no agent or Chromium of the run behind', () => {
    expect(crashed.code).toBeNull();
    expect(runningAtKill).toBeGreaterThanOrEqual(3);
    expect(cleanMs).toBeLessThan(20_000);
  });

  it('squall runs shows the run interrupted (once two of its heartbeats are missed), and why', async () => {
    let runs = await squall(['runs', '--db', db()]);
    for (let tries = 0; tries < 20 && !/ interrupted /.test(runs.stdout); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      runs = await squall(['runs', '--db', db()]);
    }
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/ [1-9]\d* +- +interrupted +its controller \(pid \d+ on .+\) is gone, last heard at \d\d:\d\d:\d\d; squall report \S+ shows what was stored/);
  });

  it('squall report renders what was stored, marked partial in the terminal, JSON and HTML, with exit code 3', async () => {
    const terminal = await squall(['report', 'last', '--db', db()]);
    expect(terminal.code).toBe(3);
    expect(terminal.stdout).toMatch(/interrupted/);
    expect(terminal.stdout).toContain('PARTIAL: the controller stopped before the run ended');
    const json = await squall(['report', 'last', '--format', 'json', '--db', db()]);
    const report = ReportSchema.parse(JSON.parse(json.stdout));
    expect(report.run).toMatchObject({ status: 'interrupted', partial: true });
    expect(report.steps.find((s) => s.name === 'home')!.count).toBeGreaterThan(0);
    // What the report counts was served: the shop saw at least as many.
    expect(report.steps.find((s) => s.name === 'home')!.count).toBeLessThanOrEqual(app.stats()['GET /api/products']!.hits);
    const html = await squall(['report', 'last', '--format', 'html', '--db', db()]);
    expect(html.stdout).toContain('data-partial="true"');
  });
});
