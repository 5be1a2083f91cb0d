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
      'run', fixture('flows.scenario.ts'), '--duration', '6s', '--window', '2s', '--threshold', 'flow:checkout:failed<1%', '--threshold', 'step:checkout/add to cart:p95<3000',
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
