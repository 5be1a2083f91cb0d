import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema, type Report, type ReportSeriesPoint } from '../../src/protocol/report.js';
import { MAX_POINTS_PER_LINE } from './html-charts.js';
import { renderHtmlReport } from './html.js';

const MALICIOUS = '<script>alert(1)</script> & "quoted" \'single\'';
const STARTED_AT = Date.parse('2026-11-22T03:19:50.120Z');
const WINDOW_MS = 5000;

/** Deterministic wobble, so the fixture looks like a run without being random. */
function wave(i: number, period: number, amplitude: number): number {
  return Math.round(amplitude * (1 + Math.sin((2 * Math.PI * i) / period)) * 10) / 10;
}

function seriesPoints(count: number): ReportSeriesPoint[] {
  const firstWindow = Math.floor(STARTED_AT / WINDOW_MS) * WINDOW_MS;
  return Array.from({ length: count }, (_, i) => {
    const vus = Math.min(10, 2 + Math.floor(i / 3));
    const homeFailed = i % 7 === 3 ? 1 : 0;
    const cartFailed = i % 5 === 2 ? 2 : 0;
    const homeP50 = 140 + wave(i, 12, 20);
    const cartP50 = 380 + wave(i, 9, 60) + i * 4;
    return {
      t: firstWindow + i * WINDOW_MS - STARTED_AT,
      windowStart: firstWindow + i * WINDOW_MS,
      windowMs: WINDOW_MS,
      vus,
      iterations: { started: vus * 2, completed: vus * 2 - cartFailed, failed: cartFailed },
      steps: {
        home: { count: vus * 3, failed: homeFailed, p50: homeP50, p90: homeP50 * 1.6, p95: homeP50 * 1.9, p99: homeP50 * 2.4, max: homeP50 * 3 },
        'add to cart': { count: vus * 2, failed: cartFailed, p50: cartP50, p90: cartP50 * 1.4, p95: cartP50 * 1.6, p99: cartP50 * 2, max: cartP50 * 2.2 },
      },
      saturatedAgents: i > 20 ? 1 : 0,
    };
  });
}

function fixture(points = 30): Report {
  const series = seriesPoints(points);
  const durationMs = points * WINDOW_MS;
  return ReportSchema.parse({
    schema: 'squall.report/v1',
    run: {
      id: '20261122-031949-e04a',
      scenario: 'demo shop <b>checkout</b>',
      startedAt: new Date(STARTED_AT).toISOString(),
      endedAt: new Date(STARTED_AT + durationMs).toISOString(),
      durationMs,
      status: 'completed',
      windowMs: WINDOW_MS,
    },
    steps: [
      { name: 'home', count: 722, failed: 4, min: 98.2, mean: 171.4, p50: 158.3, p90: 262.7, p95: 312.45, p99: 402.1, max: 611, throughput: 4.81, errors: [{ errorClass: 'TimeoutError', count: 4, sample: 'Navigation timeout of 30000 ms exceeded' }] },
      { name: 'add to cart', count: 481, failed: 12, min: 301.5, mean: 455.9, p50: 441, p90: 690.2, p95: 812.4, p99: 1104, max: 12480, throughput: 3.2, errors: [{ errorClass: 'Error', count: 12, sample: MALICIOUS }] },
    ],
    iterations: { started: 481, completed: 469, failed: 12, errors: [] },
    vus: { max: 10 },
    errors: [
      { errorClass: 'Error', count: 12, sample: MALICIOUS, step: 'add to cart' },
      { errorClass: 'TimeoutError', count: 4, sample: 'Navigation timeout of 30000 ms exceeded', step: 'home' },
      { errorClass: 'TypeError', count: 1, sample: "Cannot read properties of undefined (reading 'id')" },
    ],
    thresholds: [
      { target: 'step:home', expression: 'p95 < 500', actual: 312.45, passed: true, detail: 'p95 was 312.45ms', source: 'scenario' },
      { target: 'step:add to cart', expression: 'p95 < 800', actual: 812.4, passed: false, detail: 'p95 was 812.4ms', source: 'cli' },
    ],
    series,
    agents: [
      {
        id: 'agent-1',
        host: 'loadgen-1.example.com',
        vus: 5,
        windows: points,
        saturatedWindows: 0,
        status: 'done',
        steps: [
          { name: 'home', count: 400, failed: 1, p50: 150, p90: 250, p95: 300, p99: 390, max: 600 },
          { name: 'add to cart', count: 270, failed: 5, p50: 430, p90: 680, p95: 800, p99: 1100, max: 1300 },
        ],
        iterations: { started: 270, completed: 265, failed: 5 },
        resources: { cpuMeanPct: 42.3, cpuMaxPct: 71.8, agentRssMaxMb: 812.4, loopLagMaxMs: 23.5 },
      },
      {
        id: 'agent-2',
        host: 'loadgen-2.example.com',
        vus: 5,
        windows: Math.max(0, points - 8),
        saturatedWindows: Math.max(0, points - 21),
        status: 'lost',
        lostAt: new Date(STARTED_AT + 110_000).toISOString(),
        error: 'connection reset by peer',
        steps: [
          { name: 'home', count: 322, failed: 3, p50: 170, p90: 280, p95: 330, p99: 420, max: 611 },
          { name: 'add to cart', count: 211, failed: 7, p50: 455, p90: 700, p95: 830, p99: 1110, max: 12480 },
        ],
        iterations: { started: 211, completed: 204, failed: 7 },
        resources: { cpuMeanPct: 88.1, cpuMaxPct: 99.2, agentRssMaxMb: 1024, loopLagMaxMs: 180 },
      },
    ],
  });
}

/** Coordinates in a path's d attribute: one per M or L command. */
function pathPoints(d: string): number {
  return (d.match(/[ML]/g) ?? []).length;
}

describe('renderHtmlReport', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'squall-html-report-'));

  beforeAll(async () => {
    browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium-headless-shell',
      headless: 'shell',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  interface Loaded {
    page: Page;
    problems: string[];
    foreignRequests: string[];
    url: string;
  }

  async function load(html: string, name: string): Promise<Loaded> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const problems: string[] = [];
    const foreignRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${String(error)}`));
    page.on('request', (request) => {
      if (request.url() !== url) foreignRequests.push(request.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, foreignRequests, url };
  }

  it('renders a full report that a browser shows without errors or requests', async () => {
    const report = fixture();
    const html = renderHtmlReport(report);
    console.log(`report.html for ${report.series.length} windows: ${html.length} bytes`);
    const { page, problems, foreignRequests } = await load(html, 'report.html');

    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);

    for (const chart of ['latency', 'vus', 'throughput', 'errors']) {
      expect(await page.$(`svg[data-chart="${chart}"]`), chart).not.toBeNull();
    }
    const latencySeries = await page.$$eval('svg[data-chart="latency"] [data-series]', (paths) => paths.map((p) => p.getAttribute('data-series')));
    for (const step of report.steps) {
      expect(latencySeries).toContain(`${step.name} p95`);
      expect(latencySeries).toContain(`${step.name} p50`);
    }
    expect(await page.$$('svg[data-chart="vus"] path[data-series="vus"]')).toHaveLength(1);

    for (const step of report.steps) {
      const row = `tr[data-step="${step.name}"]`;
      const value = (field: string) => page.$eval(`${row} td[data-field="${field}"]`, (td) => ({ value: td.getAttribute('data-value'), text: td.textContent }));
      const p95 = await value('p95');
      expect(Number(p95.value)).toBe(step.p95);
      const count = await value('count');
      expect(Number(count.value)).toBe(step.count);
      expect(Number((await value('failed')).value)).toBe(step.failed);
    }
    expect((await page.$eval('tr[data-step="home"] td[data-field="p95"]', (td) => td.textContent))).toBe('312 ms');
    // Above 10 s the report switches to seconds.
    expect((await page.$eval('tr[data-step="add to cart"] td[data-field="max"]', (td) => td.textContent))).toBe('12.48 s');
    expect((await page.$eval('tr[data-step="add to cart"] td[data-field="failedPct"]', (td) => td.textContent))).toBe('2.5%');

    const thresholds = await page.$$eval('tr[data-threshold]', (rows) =>
      rows.map((r) => ({ passed: r.getAttribute('data-passed'), target: r.querySelector('[data-field="target"]')?.textContent })),
    );
    expect(thresholds).toEqual([
      { passed: 'true', target: 'step:home' },
      { passed: 'false', target: 'step:add to cart' },
    ]);
    const verdict = await page.$eval('#verdict', (el) => el.textContent ?? '');
    expect(verdict.toLowerCase()).toContain('failed');

    expect(await page.$eval('tr[data-host="loadgen-2.example.com"] td[data-field="status"]', (td) => td.textContent)).toBe('lost');
    expect(await page.$eval('tr[data-host="loadgen-2.example.com"]', (tr) => tr.classList.contains('failed'))).toBe(true);
    expect(await page.$eval('tr[data-host="loadgen-1.example.com"] td[data-field="status"]', (td) => td.textContent)).toBe('done');

    // Escaping: the sample is text on the page, never markup.
    const samples = await page.$$eval('td[data-field="sample"]', (tds) => tds.map((td) => td.textContent));
    expect(samples).toContain(MALICIOUS);
    expect(await page.$$('script')).toHaveLength(0);
    expect(await page.$eval('h1', (h) => h.textContent)).toContain('demo shop <b>checkout</b>');
    expect(await page.$$('h1 b')).toHaveLength(0);

    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report.html screenshot: ${screenshot}`);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('renders a run without any series points', async () => {
    const report = { ...fixture(), series: [] };
    const html = renderHtmlReport(report);
    const { page, problems, foreignRequests } = await load(html, 'empty.html');
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
    for (const chart of ['latency', 'vus', 'throughput', 'errors']) {
      const text = await page.$eval(`svg[data-chart="${chart}"]`, (svg) => svg.textContent ?? '');
      expect(text).toContain('no data');
    }
    expect(await page.$$('[data-series]')).toHaveLength(0);
    await page.close();
  });

  it('renders a run with a single series point', async () => {
    const html = renderHtmlReport(fixture(1));
    const { page, problems } = await load(html, 'single.html');
    expect(problems).toEqual([]);
    expect(await page.$$('svg[data-chart="latency"] path[data-series]')).toHaveLength(4);
    // A single point cannot be seen as a line, so it is drawn as a dot.
    expect((await page.$$('svg[data-chart="vus"] circle')).length).toBeGreaterThan(0);
    await page.close();
  });

  it('keeps a long run small by downsampling its lines', async () => {
    const report = fixture(2000);
    const html = renderHtmlReport(report);
    console.log(`report.html for ${report.series.length} windows: ${html.length} bytes`);
    expect(Buffer.byteLength(html)).toBeLessThan(1_500_000);

    const { page, problems, foreignRequests } = await load(html, 'long.html');
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
    const paths = await page.$$eval('svg[data-chart] path[data-series]', (list) => list.map((p) => p.getAttribute('d') ?? ''));
    expect(paths.length).toBeGreaterThanOrEqual(4 + 1 + 3 + 2);
    for (const d of paths) {
      expect(pathPoints(d)).toBeGreaterThan(1);
      expect(pathPoints(d)).toBeLessThanOrEqual(MAX_POINTS_PER_LINE);
    }
    await page.close();
  });

  it('says so when no thresholds were set', () => {
    const html = renderHtmlReport({ ...fixture(3), thresholds: [] });
    expect(html).toContain('No thresholds were set');
    expect(html).toMatch(/id="verdict"[^>]*data-passed="none"/);
  });

  it('explains saturated windows with the agent guard\'s CPU line', () => {
    expect(renderHtmlReport(fixture(30))).toContain('out of CPU (over 85 %)');
  });
});
