// Request timing and Web Vitals on a real run against the demo shop: TTFB of a
// route with a known server delay (which needs the machine to the run alone,
// test/harness/machine-lock.ts), counts against the shop's own hit counters,
// thresholds on them. Failure evidence and collection switched off are in
// browser-evidence.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { parseCsv, REQUESTS_CSV_HEADER } from '../../controller/report/csv.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';

const PRODUCTS_DELAY_MS = 200;

describe('browser metrics on real runs', () => {
  let app: DemoApp;
  let dir: string;
  let healthy: CliResult;
  let report: Report;
  let stats: ReturnType<DemoApp['stats']>;

  const run = (scenario: string, name: string, extra: string[]) =>
    runCli(['run', fixture(scenario), '--window', '2s', '--env', `TARGET=${app.url}`, '--out', join(dir, name), '--db', join(dir, 'runs.db'), '--no-dashboard', ...extra]);
  const readReport = (name: string) => ReportSchema.parse(JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')));

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': PRODUCTS_DELAY_MS, 'GET /api/products/:id': 20, 'POST /api/cart': 30 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-browser-metrics-'));
    healthy = await run('browse.scenario.ts', 'healthy', [
      '--threshold', 'vitals:LCP:p75<2500',
      '--threshold', 'vitals:FCP:home:count>0',
      '--threshold', `requests:/api/products:ttfb:p95<${PRODUCTS_DELAY_MS + 100}`,
      '--threshold', 'requests:status5xx<1%',
    ]);
    report = readReport('healthy');
    stats = app.stats();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('times the route with a known delay: TTFB p50 within 5 ms of the delay plus what an undelayed route takes', () => {
    expect(healthy.code, healthy.stderr).toBe(0);
    const label = (path: string) => report.requests!.find((r) => r.label === `${app.url}${path}`)!;
    const products = label('/api/products');
    const appJs = label('/app.js');
    // Loopback plus the shop's own work, measured the same way on a route the shop does not delay.
    const loopback = appJs.ttfb!.p50;
    expect(loopback).toBeLessThan(20);
    expect(Math.abs(products.ttfb!.p50 - (PRODUCTS_DELAY_MS + loopback))).toBeLessThan(5);
    expect(products.statuses).toEqual({ '2xx': products.count });
    expect(products.steps).toEqual({ home: products.count });
    expect(products.total!.p50).toBeGreaterThanOrEqual(products.ttfb!.p50);
  });

  it('counts as many requests per route as the shop served, a pattern group taking the ids', () => {
    const count = (label: string) => report.requests!.find((r) => r.label === label)?.count;
    expect(count(`${app.url}/`)).toBe(stats['GET /']!.hits);
    expect(count(`${app.url}/app.js`)).toBe(stats['GET /app.js']!.hits);
    expect(count(`${app.url}/api/products`)).toBe(stats['GET /api/products']!.hits);
    expect(count('product by id')).toBe(stats['GET /api/products/:id']!.hits);
    expect(count(`${app.url}/api/cart`)).toBe(stats['POST /api/cart']!.hits);
    expect(report.requests!.find((r) => r.label === 'product by id')!.steps).toEqual({ product: stats['GET /api/products/:id']!.hits });
  });

  it('has LCP and FCP for every page view, one view per iteration, attributed to the step it began in', () => {
    const home = report.steps.find((s) => s.name === 'home')!;
    const views = report.pageViews!;
    expect(views.views).toBe(home.count);
    expect(views.steps.map((s) => s.step)).toEqual(['home']);
    expect(views.vitals.LCP!.count).toBe(views.views);
    expect(views.vitals.FCP!.count).toBe(views.views);
    expect(views.vitals.TTFB!.count).toBe(views.views);
    expect(views.vitals.LCP!.band).toBe('good');
    // Each view's largest paint is at or after its first: so are their percentiles.
    expect(views.vitals.LCP!.p50).toBeGreaterThanOrEqual(views.vitals.FCP!.p50);
    // Clicks are interactions: INP for the views that had them.
    expect(views.vitals.INP!.count).toBe(views.views);
  });

  it('passes thresholds on vitals and requests, and shows them everywhere', () => {
    expect(report.thresholds.map((t) => t.passed)).toEqual([true, true, true, true]);
    const html = readFileSync(join(dir, 'healthy', 'report.html'), 'utf8');
    expect(html).toContain('<section id="requests">');
    expect(html).toMatch(/<tr data-page-views="home">/);
    expect(healthy.stdout).toMatch(/web vitals p75 \(\d+ page views\): LCP/);
    const rows = parseCsv(readFileSync(join(dir, 'healthy', 'requests.csv'), 'utf8'));
    expect(rows[0]).toEqual([...REQUESTS_CSV_HEADER]);
    const csvProducts = rows.filter((r) => r[1] === `${app.url}/api/products`).reduce((sum, r) => sum + Number(r[2]), 0);
    expect(csvProducts).toBe(stats['GET /api/products']!.hits);
    expect(readFileSync(join(dir, 'healthy', 'vitals.csv'), 'utf8')).toMatch(/^t,step,vital,count,p75\n-?\d+,home,LCP,\d+,[\d.]+$/m);
  });
});
