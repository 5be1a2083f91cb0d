// The unified report set on real runs: thresholds and exit codes, the files
// every run writes, re-rendering from the store, run history and compare.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, SERIES_CSV_HEADER } from '../../controller/report/csv.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture, runCli, squall, type CliResult } from '../harness/cli.js';

describe('reports, thresholds, history and compare on real runs', () => {
  let app: DemoApp;
  let dir: string;
  let db: string;
  let baseline: CliResult;
  let baselineReport: Report;
  let slow: CliResult;
  let slowReport: Report;

  const run = (name: string, extra: string[]) =>
    runCli([
      'run', fixture('shop.scenario.ts'), '--vus', '2', '--duration', '6s', '--window', '1s',
      '--env', `TARGET=${app.url}`, '--out', join(dir, name), '--db', db, ...extra,
    ]);
  const readReport = (name: string) => ReportSchema.parse(JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')));

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 100, 'POST /api/cart': 50 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-reports-'));
    db = join(dir, 'runs.db');
    baseline = await run('baseline', ['--threshold', 'step:home:p95<5s', '--threshold', 'iterations:completed>1000']);
    baselineReport = readReport('baseline');
    // The same test with the products API made 10x slower: far beyond a cold first page load's outlier.
    app.configure({ latencyMs: { 'GET /api/products': 1000 } });
    slow = await run('slow', ['--threshold', 'step:home:p95<5s']);
    slowReport = readReport('slow');
    app.configure({ latencyMs: { 'GET /api/products': 100 } });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('exit code 1 when a threshold fails, 0 when all pass; verdicts in the report and the summary', () => {
    expect(baseline.code).toBe(1);
    expect(baselineReport.thresholds).toEqual([
      expect.objectContaining({ target: 'step:home', expression: 'p95<5s', passed: true, source: 'cli' }),
      expect.objectContaining({ target: 'iterations', expression: 'completed>1000', passed: false, detail: expect.stringMatching(/^completed was \d+, not > 1000$/) }),
    ]);
    expect(baseline.stdout).toMatch(/thresholds: 1 of 2 failed/);
    expect(baseline.stdout).toMatch(/FAIL {2}iterations: completed>1000/);
    expect(slow.code).toBe(0);
    expect(slow.stdout).toMatch(/thresholds: all 1 passed/);
  });

  it('exit code 2 for a bad threshold, before anything runs', async () => {
    const hitsBefore = app.stats()['GET /']?.hits ?? 0;
    const bad = await run('bad', ['--threshold', 'step:home:p95 < fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('squall: --threshold "step:home": "p95 < fast": expected <metric> <operator> <value>, e.g. "p95 < 800" or "failed < 1%"');
    expect(app.stats()['GET /']?.hits ?? 0).toBe(hitsBefore);
  });

  it('writes report.json, report.html, series.csv and junit.xml, and lists them', () => {
    for (const file of ['report.json', 'report.html', 'series.csv', 'junit.xml']) {
      expect(baseline.stdout).toContain(`${join(dir, 'baseline', file)}`);
      expect(readFileSync(join(dir, 'baseline', file), 'utf8').length).toBeGreaterThan(100);
    }
    const junit = readFileSync(join(dir, 'baseline', 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="squall e2e shop" tests="2" failures="1"');
    expect(junit).toMatch(/<testcase name="iterations: completed&gt;1000" classname="squall.thresholds.cli" time="0">\s*<failure message="completed was \d+, not &gt; 1000">/);
    const html = readFileSync(join(dir, 'baseline', 'report.html'), 'utf8');
    expect(html).toContain(baselineReport.run.id);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('series.csv read back gives the numbers in report.json', () => {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, 'baseline', 'series.csv'), 'utf8'));
    expect(header).toEqual([...SERIES_CSV_HEADER]);
    const expected = baselineReport.series.flatMap((point) =>
      Object.entries(point.steps).map(([step, s]) => [point.t, step, s.count, s.failed, s.p50, s.p90, s.p95, s.p99, s.max, point.vus].map(String)),
    );
    expect(rows).toEqual(expected);
    const cartRows = rows.filter((row) => row[1] === 'add to cart');
    expect(cartRows.reduce((sum, row) => sum + Number(row[2]), 0)).toBe(baselineReport.steps.find((s) => s.name === 'add to cart')!.count);
  });

  it('squall report <id> --format json from the store equals the report written at the end of the run', async () => {
    const again = await squall(['report', baselineReport.run.id, '--format', 'json', '--db', db]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual(baselineReport);
    expect(again.stdout).toBe(readFileSync(join(dir, 'baseline', 'report.json'), 'utf8'));
    const csv = await squall(['report', baselineReport.run.id.slice(0, 18), '--format', 'csv', '--out', join(dir, 'again'), '--db', db]);
    // The run collected browser metrics: csv is the series and the requests and vitals beside it.
    expect(csv.stdout.trim().split('\n')).toEqual(['series.csv', 'requests.csv', 'vitals.csv'].map((name) => `wrote ${join(dir, 'again', name)}`));
    for (const name of ['series.csv', 'requests.csv', 'vitals.csv']) {
      expect(readFileSync(join(dir, 'again', name), 'utf8')).toBe(readFileSync(join(dir, 'baseline', name), 'utf8'));
    }
    const missing = await squall(['report', 'nope', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('squall: no run "nope" in the store (squall runs lists them)');
  });

  it('squall runs lists past runs, newest first', async () => {
    const listed = await squall(['runs', '--db', db]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+when\s+scenario\s+peak VUs\s+duration\s+status$/);
    expect(lines[1]).toMatch(new RegExp(`^${slowReport.run.id}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+e2e shop\\s+2\\s+\\d+s\\s+completed$`));
    expect(lines[2]).toContain(baselineReport.run.id);
  });

  it('compare flags the injected slowdown and exits 1; a run against itself exits 0', async () => {
    const compared = await squall(['compare', baselineReport.run.id, slowReport.run.id, '--db', db]);
    expect(compared.code).toBe(1);
    expect(compared.stdout).toMatch(/^home\s+p95\s+\d+ms\s+\d+ms\s+\+\d+\.\d%\s+REGRESSION$/m);
    expect(compared.stdout).toMatch(/regressions?: .*home p95/);
    // Closed-loop VUs: slower pages also mean fewer iterations per second.
    expect(compared.stdout).toMatch(/^home\s+throughput\s+[\d.]+\/s\s+[\d.]+\/s\s+-\d+\.\d%\s+REGRESSION$/m);
    const same = await squall(['compare', baselineReport.run.id, baselineReport.run.id, '--db', db]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/no regression beyond 10%/);
  });
});
