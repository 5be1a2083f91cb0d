// The page collector and the request capture in real headless Chromium on a
// real server: one value per page view, intermediate pages included (they
// report as they unload), requests attributed to steps by time, network
// failures told from a status, and what a failed step's evidence takes.
// The shapes of real apps (other origins, frames, popups, workers) are in
// request-capture.chromium.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser.js';
import type { RunningChromium } from '../chromium-start.js';
import { findBrowser } from '../../src/browser-path.js';
import { PageMetrics, type EndedPageView, type ObservedRequest } from './page-metrics.js';
import { RequestCapture } from './request-capture.js';
import { StepTimeline } from './timeline.js';

const PAGE = (title: string) => `<!doctype html><html><body><h1>${title}</h1><p>some text for a contentful paint</p>
<a id="next" href="/b">next</a><button id="more" onclick="this.textContent += '!'">more</button>
<script>fetch('/api/slow').then((r) => r.text());</script>
${title === '/c' ? "<script>setTimeout(() => { throw new Error('uncaught in a timer'); });</script>" : ''}</body></html>`;

describe('page collector', () => {
  let server: Server;
  let base: string;
  let chromium: RunningChromium;
  let browser: Browser;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/api/slow') return void setTimeout(() => res.end('ok'), 80);
      if (req.url === '/missing') {
        res.writeHead(404);
        return void res.end('no');
      }
      res.setHeader('content-type', 'text/html');
      res.end(PAGE(req.url ?? ''));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const found = findBrowser(undefined);
    if ('error' in found) throw new Error(found.error);
    // squall's own browser, as VUs have it: whether a view's report reaches us as its document goes depends on its flags.
    chromium = await launchBrowser(found.path);
    browser = chromium.browser;
  });

  afterAll(async () => {
    await chromium?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function instrumented(): Promise<{ page: Page; metrics: PageMetrics; timeline: StepTimeline; requests: ObservedRequest[]; views: EndedPageView[] }> {
    const context = await browser.createBrowserContext();
    const requests: ObservedRequest[] = [];
    const views: EndedPageView[] = [];
    const sink = { requests: (batch: ObservedRequest[]) => void requests.push(...batch), pageViewEnded: (view: EndedPageView) => void views.push(view) };
    const timeline = new StepTimeline();
    const capture = RequestCapture.open(context, timeline, sink);
    expect(capture).toBeDefined();
    const page = await context.newPage();
    const metrics = await PageMetrics.install(page, sink, timeline, capture);
    return { page, metrics, timeline, requests, views };
  }

  it('reports every page view once, the one navigated away from included, each to the step it began in', async () => {
    const { page, metrics, timeline, requests, views } = await instrumented();
    timeline.begin('first', Date.now());
    await page.goto(`${base}/a`);
    await page.waitForNetworkIdle({ idleTime: 100 });
    timeline.end(Date.now());
    timeline.begin('second', Date.now());
    await Promise.all([page.waitForNavigation(), page.click('#next')]);
    await page.waitForNetworkIdle({ idleTime: 100 });
    timeline.end(Date.now());
    // Another site: another renderer process takes the page over, and the view it ends must still report.
    timeline.begin('third', Date.now());
    const other = base.replace('127.0.0.1', 'localhost');
    await page.goto(`${other}/a`);
    await page.waitForNetworkIdle({ idleTime: 100 });
    timeline.end(Date.now());
    await metrics.read(true);
    await metrics.read(true);
    expect(views.map((v) => v.step)).toEqual(['first', 'second', 'third']);
    for (const view of views) {
      expect(view.vitals.FCP).toBeGreaterThan(0);
      expect(view.vitals.LCP).toBeGreaterThan(0);
      expect(view.vitals.TTFB).toBeGreaterThanOrEqual(0);
    }
    // The only interaction of the first page navigated away before its next paint: no INP to report (web-vitals would have none either).
    const urls = requests.map((r) => `${r.step} ${r.sample.url.replace(base, '')}`);
    expect(urls.sort()).toEqual(['first /a', 'first /api/slow', 'second /api/slow', 'second /b', `third ${other}/a`, `third ${other}/api/slow`]);
    // The fetch of the document the page shows now (the third view's), to compare with what that document measured.
    const slow = requests.find((r) => r.step === 'third' && r.sample.url.endsWith('/api/slow'))!;
    expect(slow.sample.status).toBe(200);
    // The server holds it 80 ms: the time to first byte includes that, and is what the page's own
    // Resource Timing says of the same fetch (not a bound in ms, which a busy machine stretches: CI
    // read 167 ms against an earlier bound of 150).
    expect(slow.sample.phases.ttfb).toBeGreaterThanOrEqual(79);
    const pageSays = await page.evaluate(() => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/slow')) as PerformanceResourceTiming;
      return entry.responseStart - entry.requestStart;
    });
    // Both come from the same network timing: under three busy loops here 93.595 against 93.600 ms.
    expect(Math.abs((slow.sample.phases.ttfb ?? Number.NaN) - pageSays)).toBeLessThan(2);
    await page.close();
  });

  it('tells a network failure from a status, and keeps the page\'s errors for evidence', async () => {
    const { page, metrics, timeline, requests, views } = await instrumented();
    timeline.begin('only', Date.now());
    await page.goto(`${base}/c`);
    await page.click('#more');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await page.evaluate(async (dead: string) => {
      await fetch('/missing').then((r) => r.text());
      await fetch(dead).catch(() => undefined);
      console.error('boom', { code: 7 });
    }, `http://127.0.0.1:${deadPort}/gone`);
    const evidence = await metrics.evidence();
    expect(evidence.consoleErrors).toEqual(['uncaught Error: uncaught in a timer', 'boom {"code":7}']);
    expect(evidence.failedRequests).toEqual([
      { url: `${base}/missing`, status: 404 },
      { url: `http://127.0.0.1:${deadPort}/gone`, status: 0, error: 'net::ERR_CONNECTION_REFUSED' },
    ]);
    await metrics.read(true);
    // A click that stayed on the page: an interaction, so INP.
    expect(views[0]!.vitals.INP).toBeGreaterThanOrEqual(0);
    const byUrl = new Map(requests.map((r) => [r.sample.url, r.sample]));
    expect(byUrl.get(`${base}/missing`)).toMatchObject({ status: 404 });
    expect(byUrl.get(`http://127.0.0.1:${deadPort}/gone`)).toMatchObject({ method: 'GET', status: 0, failed: true, error: 'net::ERR_CONNECTION_REFUSED' });
    await page.close();
  });
});

describe('step timeline', () => {
  it('gives the running step, else the one before, else the first', () => {
    const timeline = new StepTimeline();
    expect(timeline.stepAt(5)).toBe('(no step)');
    timeline.begin('home', 10);
    timeline.end(20);
    timeline.begin('cart', 30);
    expect(timeline.stepAt(5)).toBe('home');
    expect(timeline.stepAt(15)).toBe('home');
    expect(timeline.stepAt(25)).toBe('home');
    expect(timeline.stepAt(31)).toBe('cart');
  });
});
