// Request truth on a site shaped like real apps (test/harness/wild-site.ts):
// a local run of 3 VUs whose report's requests, by label and method, equal
// what the two origins served, with TTFB on the origin without
// Timing-Allow-Origin as true as on the app's own (which needs the machine to
// the run alone, test/harness/machine-lock.ts); frames and popups add no page
// view; squall check prints every request. Over SSH hosts: ssh-hosts.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../controller/report/csv.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';
import { reportedServed, servedByLabel, startWildSite, WILD_DELAYS_MS, type WildSite } from '../harness/wild-site.js';

describe('request truth on a wild site', () => {
  let site: WildSite;
  let dir: string;
  let run: CliResult;
  let report: Report;

  beforeAll(async () => {
    site = await startWildSite();
    dir = mkdtempSync(join(tmpdir(), 'squall-request-truth-'));
    const order = `${site.apiUrl}/api/order`;
    run = await runCli([
      'run', fixture('wild.scenario.ts'), '--duration', '4s', '--window', '2s', '--env', `TARGET=${site.url}`,
      '--out', join(dir, 'run'), '--db', join(dir, 'runs.db'), '--no-dashboard',
      '--threshold', `requests:${order}:ttfb:p95<${WILD_DELAYS_MS.order + 100}`,
      '--threshold', `requests:${order}:count>0`,
    ]);
    report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'run', 'report.json'), 'utf8')));
  }, 120_000);

  afterAll(async () => {
    await site?.close();
  });

  const label = (url: string) => report.requests!.find((r) => r.label === url)!;

  it('counts, by route and method, exactly what both origins served: preflight, unread POST, popup, worker, frame, redirect hops', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(reportedServed(report.requests!)).toEqual(servedByLabel(await site.hits()));
    const orders = label(`${site.apiUrl}/api/order`);
    expect(orders.methods!.POST).toBe(report.steps.find((s) => s.name === 'order')!.count);
    expect(orders.steps.order).toBe(orders.count);
    expect(label(`${site.url}/api/from-popup`).steps).toEqual({ popup: label(`${site.url}/api/from-popup`).count });
    expect(label(`${site.url}/go`).statuses).toEqual({ '3xx': label(`${site.url}/go`).count });
    expect(label(`${site.url}/api/missing`).statuses).toEqual({ '4xx': label(`${site.url}/api/missing`).count });
    const refused = label(`${site.refusedUrl}/nothing`);
    expect(refused.statuses).toEqual({ failed: refused.count });
    expect(refused.errors).toEqual({ 'net::ERR_CONNECTION_REFUSED': refused.count });
    // Each VU's context caches the logo after its first load.
    expect(label(`${site.url}/logo.png`).cached).toBe(label(`${site.url}/logo.png`).count - 3);
    expect(report.requests!.some((r) => !r.label.startsWith('http://'))).toBe(false);
  });

  it('times the API on the other origin within 5 ms of what its server took plus loopback, like a route of the app\'s own', async () => {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // What each server itself took: its timers run late on a busy machine too.
    const orderMs = median(await site.serverMs('order'));
    const landingMs = median(await site.serverMs('landing'));
    expect(orderMs).toBeGreaterThanOrEqual(WILD_DELAYS_MS.order - 1);
    expect(landingMs).toBeGreaterThanOrEqual(WILD_DELAYS_MS.landing - 1);
    // Loopback on each origin: a route without delay, asked on the same click
    // just before the order and the redirect chain, when the page is not busy
    // loading three frames, a worker and images beside them (during a load
    // Chromium's own network thread is late to read a response: 5-7 ms at the
    // median, so a loopback taken then would not be the order's).
    const loopbackApi = label(`${site.apiUrl}/api/ping`).ttfb!.p50;
    const loopbackApp = label(`${site.url}/api/ping`).ttfb!.p50;
    expect(loopbackApi).toBeLessThan(20);
    expect(loopbackApp).toBeLessThan(20);
    // The label holds a few OPTIONS preflights too (Chromium caches them for 5 s): the POSTs make its median.
    const orders = label(`${site.apiUrl}/api/order`);
    expect(orders.methods!.OPTIONS! * 2).toBeLessThan(orders.count);
    expect(Math.abs(orders.ttfb!.p50 - (orderMs + loopbackApi))).toBeLessThan(5);
    expect(Math.abs(label(`${site.url}/api/landing`).ttfb!.p50 - (landingMs + loopbackApp))).toBeLessThan(5);
    expect(report.thresholds.every((t) => t.passed)).toBe(true);
  });

  it('has one page view per home navigation: frames, about:blank and popups add none', () => {
    expect(report.pageViews!.views).toBe(report.steps.find((s) => s.name === 'home')!.count);
    expect(report.pageViews!.steps.map((s) => s.step)).toEqual(['home']);
  });

  it('has the other origin\'s TTFB in requests.csv', () => {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, 'run', 'requests.csv'), 'utf8'));
    const column = (name: string) => header!.indexOf(name);
    const orderRows = rows.filter((row) => row[column('label')] === `${site.apiUrl}/api/order`);
    expect(orderRows.length).toBeGreaterThan(0);
    // A window's row holds its preflights too: its p95 is a POST's.
    expect(orderRows.every((row) => row[column('ttfb_p95')] !== '')).toBe(true);
    expect(orderRows.some((row) => Number(row[column('ttfb_p95')]) >= WILD_DELAYS_MS.order)).toBe(true);
  });

  it('squall check prints every request of its iteration with its method, status and TTFB on every origin', async () => {
    const before = await site.hits();
    const check = await runCli(['check', fixture('wild.scenario.ts'), '--env', `TARGET=${site.url}`], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const served = Object.entries(await site.hits()).reduce((sum, [key, n]) => sum + n - (before[key] ?? 0), 0);
    const lines = check.stdout.split('\n').filter((line) => /^ {2}(GET|POST|OPTIONS) /.test(line));
    // Every request the servers saw, plus the refused one (one iteration: nothing cached yet).
    expect(check.stdout).toMatch(new RegExp(`^requests: ${served + 1}, slowest first`, 'm'));
    expect(lines).toHaveLength(served + 1);
    expect(check.stdout).toMatch(new RegExp(`^ {2}POST +200 +\\d+ms +\\d+ms {2}${site.apiUrl.replace(/\./g, '\\.')}/api/order {2}\\(order\\)$`, 'm'));
    expect(check.stdout).toMatch(new RegExp(`^ {2}GET +failed +- +- {2}${site.refusedUrl.replace(/\./g, '\\.')}/nothing {2}\\(home\\) {2}net::ERR_CONNECTION_REFUSED$`, 'm'));
    // Chromium gives a dedicated worker's own script no timing block: the one request without a TTFB.
    for (const line of lines.filter((l) => !l.includes('failed') && !l.includes('/worker.js'))) expect(line).toMatch(/^ {2}\w+ +\d{3} +\d+ms/);
  });
});
