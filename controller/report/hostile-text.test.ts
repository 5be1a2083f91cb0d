// What a hostile target can put in a run's text (error classes and messages,
// request labels) reaches neither the terminal nor the CSV files as control
// bytes: the end-of-run summary and requests.csv of such a run.
import { describe, expect, it } from 'vitest';
import { WindowAggregator } from '../../src/metrics/window.js';
import { tempStore, PLAN, windowFrame } from '../../test/harness/store.js';
import { requestsCsv, seriesCsv } from './csv.js';
import { reportFromStore } from './from-store.js';
import { summaryText } from './summary.js';
import { renderHtmlReport } from './html.js';

const RESOURCES = { hostCpuPct: 10, agentCpuPct: 5, agentRssMb: 80, hostMemUsedPct: 20, loopLagMs: 1 };
const ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('hostile text in a run', () => {
  it('leaves no escape sequence or control byte in the summary or the CSV files', () => {
    const aggregator = new WindowAggregator(1000, 10_000);
    aggregator.activeVusChanged(1, 10_000);
    aggregator.iterationStarted(10_001);
    aggregator.stepFailed('home', 10_002, 'Evil\x1b]0;pwned\x07Error', 'boom\x1b[2J\x1b[Hcleared\rspoofed');
    aggregator.iterationEnded(10_003, false);
    const sample = { url: 'http://shop/x', method: 'GET', status: 200, bytes: 10, cached: false, phases: { ttfb: 5, total: 6 } };
    aggregator.requestObserved('http://shop/\x1b[31mred\x1b[0m', 'home', sample, 10_004);
    const [window] = aggregator.takeAll(10_999, () => RESOURCES);
    const { store } = tempStore('unused');
    store.createRun({ id: 'r1', scenario: 'hostile', scenarioPath: '/dev/null', startedAt: 10_000, status: 'running', windowMs: 1000, plan: PLAN, config: { envKeys: [], outDir: '/dev/null', thresholds: [] }, owner: { host: 'laptop', pid: 4242 }, heartbeatAt: 11_000 });
    store.upsertAgent('r1', { agentId: 'a1', host: 'h1', plannedVus: 1, status: 'running' });
    store.saveWindow('r1', 'a1', 1, 10_000, windowFrame('r1', 'a1', 1, window!), 1);
    // A threshold that stopped the load, named after a step whose name the page gave it (a URL list's labels are).
    const threshold = { target: 'step:<img src=x onerror=alert(1)>\x1b[2J', expression: 'p95 < 1', source: 'cli' as const, abortOnFail: true };
    store.setRunStopped('r1', { threshold, detail: 'p95 was 5ms, not < 1ms', atMs: 3000 });
    const report = reportFromStore(store, 'r1', { now: 30_000, host: 'laptop', alive: () => false });
    store.close();
    const summary = summaryText(report, []);
    expect(summary).toContain('boom');
    expect(summary).toContain('cleared\\x0dspoofed');
    for (const line of summary.split('\n')) expect(line).not.toMatch(ESCAPES);
    expect(summary).toContain('the load was stopped by threshold step:<img src=x onerror=alert(1)>: p95 < 1 at 3s into the load');
    const html = renderHtmlReport(report);
    expect(html).toContain('threshold step:&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    const csv = requestsCsv(report) + seriesCsv(report);
    expect(csv).toContain('http://shop/red');
    expect(csv).not.toMatch(ESCAPES);
  });
});
