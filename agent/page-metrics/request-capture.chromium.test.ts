// The request capture on a site shaped like real apps (test/harness/wild-site.ts),
// in real headless Chromium: every request the two origins served appears once
// with its method, each redirect hop on its own, a POST whose body the page
// never reads, a popup's and a worker's requests, timing on the origin without
// Timing-Allow-Origin; frames and about:blank add no page view.
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findBrowser } from '../../src/browser-path.js';
import { startWildSite, WILD_DELAYS_MS, type WildSite } from '../../test/harness/wild-site.js';
import { PageMetrics, type EndedPageView, type ObservedRequest } from './page-metrics.js';
import { RequestCapture } from './request-capture.js';
import { StepTimeline } from './timeline.js';

const ITERATIONS = 5;

describe('request capture on a wild site', () => {
  let site: WildSite;
  let browser: Browser;
  const requests: ObservedRequest[] = [];
  const views: EndedPageView[] = [];
  let failures: ReturnType<RequestCapture['failures']> = [];
  let hits: Record<string, number> = {};
  const serverMs = { order: [] as number[], landing: [] as number[] };

  beforeAll(async () => {
    site = await startWildSite();
    const found = findBrowser(undefined);
    if ('error' in found) throw new Error(found.error);
    browser = await puppeteer.launch({ executablePath: found.path, headless: 'shell', args: ['--no-sandbox'] });
    const context = await browser.createBrowserContext();
    const sink = { requests: (batch: ObservedRequest[]) => void requests.push(...batch), pageViewEnded: (view: EndedPageView) => void views.push(view) };
    const timeline = new StepTimeline();
    const capture = RequestCapture.open(context, timeline, sink)!;
    const page = await context.newPage();
    const metrics = await PageMetrics.install(page, sink, timeline, capture);
    const step = async (name: string, fn: () => Promise<unknown>) => {
      timeline.begin(name, Date.now());
      await fn();
      timeline.end(Date.now());
    };
    for (let i = 0; i < ITERATIONS; i += 1) {
      await step('home', async () => {
        await page.goto(site.url);
        await page.waitForFunction(() => document.querySelector('#loaded')?.textContent === 'loaded');
      });
      await step('order', async () => {
        await page.click('#order');
        await page.waitForFunction(() => document.querySelector('#ordered')?.textContent === 'ordered');
      });
      await step('redirect', async () => {
        await page.click('#redirect');
        await page.waitForFunction(() => document.querySelector('#landed')?.textContent === 'landed');
      });
      await step('popup', async () => {
        await page.click('#popup');
        await page.waitForFunction(() => document.querySelector('#popped')?.textContent === 'popped');
        await page.evaluate(() => (document.querySelector('#popped')!.textContent = ''));
      });
      await metrics.read(true);
    }
    // The order's body is never read: its last byte may come after the page moved on.
    await vi.waitFor(() => expect(capture.pending).toBe(0), { timeout: 5000 });
    await metrics.read(false);
    failures = capture.failures();
    hits = await site.hits();
    serverMs.order = await site.serverMs('order');
    serverMs.landing = await site.serverMs('landing');
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  const served = (sample: ObservedRequest['sample']) => !sample.cached && !sample.failed;
  const key = (sample: ObservedRequest['sample']) => `${sample.method} ${new URL(sample.url).origin}${new URL(sample.url).pathname}`;

  it('has one record per request each origin served, by method and path, preflight included', () => {
    const counted: Record<string, number> = {};
    for (const { sample } of requests) if (served(sample)) counted[key(sample)] = (counted[key(sample)] ?? 0) + 1;
    expect(counted).toEqual(hits);
    expect(hits[`POST ${site.apiUrl}/api/order`]).toBe(ITERATIONS);
    expect(hits[`OPTIONS ${site.apiUrl}/api/order`]).toBeGreaterThanOrEqual(1);
    expect(hits[`GET ${site.url}/api/from-popup`]).toBe(ITERATIONS);
    expect(hits[`GET ${site.url}/api/from-worker`]).toBe(ITERATIONS);
    expect(hits[`GET ${site.apiUrl}/api/from-frame`]).toBe(ITERATIONS);
  });

  it('has no record for about:blank, srcdoc or data:, and one page view per top-level navigation', () => {
    expect(requests.every(({ sample }) => sample.url.startsWith('http://'))).toBe(true);
    expect(views.map((view) => view.step)).toEqual(Array(ITERATIONS).fill('home'));
  });

  it('keeps each redirect hop, the cached asset, the refused request and the 404 apart', () => {
    const of = (path: string) => requests.filter(({ sample }) => sample.url === `${site.url}${path}`).map(({ sample }) => sample);
    expect(of('/go').map((s) => s.status)).toEqual(Array(ITERATIONS).fill(302));
    expect(of('/hop').map((s) => s.status)).toEqual(Array(ITERATIONS).fill(302));
    expect(of('/api/landing').map((s) => s.status)).toEqual(Array(ITERATIONS).fill(200));
    expect(of('/logo.png').map((s) => s.cached)).toEqual([false, ...Array(ITERATIONS - 1).fill(true)]);
    expect(of('/api/missing').map((s) => s.status)).toEqual(Array(ITERATIONS).fill(404));
    const refused = requests.filter(({ sample }) => sample.url.startsWith(site.refusedUrl)).map(({ sample }) => sample);
    expect(refused).toHaveLength(ITERATIONS);
    for (const sample of refused) expect(sample).toMatchObject({ status: 0, failed: true, error: 'net::ERR_CONNECTION_REFUSED' });
    expect(failures.map((f) => f.status)).toContain(404);
    expect(failures.some((f) => f.error === 'net::ERR_CONNECTION_REFUSED')).toBe(true);
  });

  it('times the other origin as truly as its own: TTFB less what its server took is never negative, and about loopback', () => {
    const samples = (url: string, method = 'GET') => requests.filter(({ sample }) => sample.url === url && sample.method === method && served(sample)).map(({ sample }) => sample);
    // Against what each server itself took for each request, up to starting its response: its timers run late on a
    // busy machine too. The first byte cannot come before (-1 ms: clocks in whole ms); a few iterations in a page load
    // on a busy machine can wait on the CPU, so here the median is held to loopback plus 15 ms. The 5 ms bound of
    // the issue is request-truth.test.ts's, over a whole run's requests.
    const gaps = (url: string, method: string, route: keyof typeof WILD_DELAYS_MS) => {
      const ttfbs = samples(url, method).map((s) => s.phases.ttfb!);
      expect(ttfbs).toHaveLength(ITERATIONS);
      // Node fires a timer on a millisecond clock: up to 1 ms before performance.now() says the delay is up.
      expect(serverMs[route].every((ms) => ms >= WILD_DELAYS_MS[route] - 1)).toBe(true);
      return ttfbs.map((ttfb, i) => ttfb - serverMs[route][i]!).sort((a, b) => a - b);
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // Loopback and the machine: the TTFB of each origin's undelayed requests in the same iterations.
    const loopback = {
      order: median(samples(`${site.apiUrl}/api/ping`).map((s) => s.phases.ttfb!)),
      landing: median(samples(`${site.url}/api/ping`).map((s) => s.phases.ttfb!)),
    };
    for (const [url, method, route] of [[`${site.apiUrl}/api/order`, 'POST', 'order'], [`${site.url}/api/landing`, 'GET', 'landing']] as const) {
      const sorted = gaps(url, method, route);
      expect(sorted[0]).toBeGreaterThanOrEqual(-1);
      expect(median(sorted)).toBeLessThan(loopback[route] + 15);
    }
    for (const order of samples(`${site.apiUrl}/api/order`, 'POST')) {
      expect(order.bytes).toBeGreaterThan(2000);
      expect(order.phases.total).toBeGreaterThanOrEqual(order.phases.ttfb!);
      expect(order.phases.download).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives each request the step it began in: the popup\'s and the worker\'s included', () => {
    const stepsOf = (url: string) => [...new Set(requests.filter(({ sample }) => sample.url === url).map((r) => r.step))];
    expect(stepsOf(`${site.apiUrl}/api/order`)).toEqual(['order']);
    expect(stepsOf(`${site.url}/api/from-popup`)).toEqual(['popup']);
    expect(stepsOf(`${site.url}/popup`)).toEqual(['popup']);
    expect(stepsOf(`${site.url}/api/from-worker`)).toEqual(['home']);
  });
});
