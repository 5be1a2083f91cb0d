// Flows with loads of their own, locally: browsing VUs beside checkouts that
// arrive at a rate, each load on schedule and counted by the shop. The rate
// held with none dropped needs the machine to the run alone
// (test/harness/machine-lock.ts), so this is apart from flows.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';

describe('flows with loads of their own: 2 browsing VUs beside checkouts arriving at 2/s', () => {
  let app: DemoApp;
  let dir: string;
  let result: CliResult;
  let report: Report;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'POST /api/cart': 100 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-flow-loads-'));
    result = await runCli([
      'run', fixture('flow-loads.scenario.ts'), '--duration', '6s', '--window', '2s', '--threshold', 'flow:checkout:rate>=1.9', '--threshold', 'flow:checkout:dropped<1%',
      '--env', `TARGET=${app.url}`, '--out', join(dir, 'out'), '--db', join(dir, 'runs.db'),
    ]);
    report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('starts the checkouts on schedule, 12 in 6 s, as many as the shop saw, beside the browsing', () => {
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('running "e2e flow loads": browse 2 VUs; checkout 2/s (uniform arrivals, 2 VUs pre-allocated, at most 6) for 6s');
    const [browse, checkout] = report.flows!;
    expect(checkout).toMatchObject({ name: 'checkout', load: '2/s (uniform arrivals, 2 VUs pre-allocated, at most 6)', started: 12, completed: 12, dropped: 0 });
    expect(report.steps.find((s) => s.name === 'checkout/add to cart')!.count).toBe(app.stats()['POST /api/cart']!.hits);
    expect(app.stats()['POST /api/cart']!.hits).toBe(12);
    // the browsing VUs loop as fast as the shop lets them; never more than their 2 at once
    expect(browse).toMatchObject({ name: 'browse', load: '2 VUs' });
    expect(browse!.started).toBeGreaterThan(20);
    expect(browse!.busyMax).toBeLessThanOrEqual(2);
    expect(checkout!.allocatedMax).toBeGreaterThanOrEqual(2);
    expect(checkout!.allocatedMax).toBeLessThanOrEqual(6);
    expect(report.thresholds.map((t) => t.passed)).toEqual([true, true]);
  });

  it('accounts for the arrival-rate flow on its own, in the summary, the JSON and the HTML', () => {
    expect(report.arrival).toBeUndefined();
    expect(report.arrivals).toEqual([expect.objectContaining({ flows: ['checkout'], expected: 12, started: 12, dropped: 0, targetRate: 2 })]);
    expect(result.stdout).toMatch(/checkout: arrival rate held: 12 iterations started \(2\/s of 2\/s asked\), none dropped/);
    expect(result.stdout).toMatch(/flows: browse \d+ started \(2 VUs\), checkout 12 started \(2\/s/);
    // windows carry each flow's VUs: busy for both, kept for the flow whose load keeps its own
    const windows = report.series.filter((p) => p.flows?.checkout);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    expect(windows.every((p) => p.flows!.checkout!.allocated !== undefined && p.flows!.browse!.busy !== undefined)).toBe(true);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('<td data-field="load">its own: 2/s (uniform arrivals, 2 VUs pre-allocated, at most 6)</td>');
    expect(html).toMatch(/<h3>checkout<\/h3><p class="verdict ok" data-field="arrivalVerdict">arrival rate held: 12 iterations started/);
  });
});
