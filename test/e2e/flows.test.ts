// Two journeys in one run against the demo shop, weights 8:2: each flow's
// steps reported under its name, the mix held, and counts the shop confirms.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, runCli, squall, type CliResult } from '../harness/cli.js';

describe('a two-flow scenario, 8:2', () => {
  let app: DemoApp;
  let dir: string;
  let result: CliResult;
  let report: Report;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 50 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-flows-'));
    result = await runCli([
      'run', fixture('flows.scenario.ts'), '--duration', '10s', '--window', '5s', '--threshold', 'flow:checkout:failed<1%', '--threshold', 'step:checkout/add to cart:p95<3000',
      '--env', `TARGET=${app.url}`, '--out', join(dir, 'out'), '--db', join(dir, 'runs.db'),
    ]);
    report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it("reports each flow's steps under its name, counted as the shop counted them", () => {
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    expect(report.steps.map((s) => s.name).sort()).toEqual(['browse/home', 'checkout/add to cart', 'checkout/home']);
    const count = (name: string) => report.steps.find((s) => s.name === name)!.count;
    expect(count('checkout/add to cart')).toBe(app.stats()['POST /api/cart']!.hits);
    expect(count('browse/home') + count('checkout/home')).toBe(app.stats()['GET /api/products']!.hits);
    expect(report.thresholds.every((t) => t.passed)).toBe(true);
  });

  it('holds the mix within 5 % of the weights, and says so', () => {
    const [browse, checkout] = report.flows!;
    expect(browse).toMatchObject({ name: 'browse', weight: 8, askedPct: 80 });
    expect(checkout).toMatchObject({ name: 'checkout', weight: 2, askedPct: 20 });
    expect(browse!.started + checkout!.started).toBe(report.iterations.started);
    expect(report.iterations.started).toBeGreaterThan(40);
    expect(Math.abs(checkout!.startedPct - 20)).toBeLessThanOrEqual(5);
    expect(result.stdout).toMatch(/flows: browse [\d.]+% of iterations \(80% asked\), checkout [\d.]+% \(20%\)/);
    expect(report.series.some((p) => p.flows?.checkout !== undefined)).toBe(true);
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toContain('<section id="flows">');
  });

  it('squall check runs each flow once', async () => {
    const check = await runCli(['check', fixture('flows.scenario.ts'), '--env', `TARGET=${app.url}`]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/1 iteration of each flow \(browse, checkout\)/);
    expect(check.stdout).toMatch(/flow browse:\n  ok   browse\/home .*\nflow checkout:\n  ok   checkout\/home .*\n  ok   checkout\/add to cart /);
    expect(check.stdout).toMatch(/passed: 3 steps/);
  });

  it('refuses a weight that is not positive and an unknown flow in a threshold: exit 2, one line', async () => {
    const scenario = join(dir, 'bad.scenario.ts');
    writeFileSync(scenario, 'export default { flows: { browse: { weight: -1, async run() {} } } };\n');
    const weight = await squall(['check', scenario]);
    expect(weight.code).toBe(2);
    expect(weight.stderr.trim()).toMatch(/^squall: .*bad\.scenario\.ts: flows\.browse: weight: expected a number above 0, got -1$/);
    const unknown = await squall(['run', fixture('flows.scenario.ts'), '--threshold', 'flow:buy:failed<1%', '--db', join(dir, 'bad.db')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('squall: --threshold "flow:buy": "failed<1%": unknown flow "buy"; the scenario\'s flows: browse, checkout');
  });
});

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
