// Fixed, realistic dashboard data for tests and for trying layouts by hand.
import { WindowAggregator } from '../../src/metrics/window.js';
import { mergeAgentWindows } from '../../src/metrics/merge.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { DashboardSnapshot } from './view-model.js';

const RESOURCES = { hostCpuPct: 40, agentCpuPct: 10, agentRssMb: 90, hostMemUsedPct: 30, loopLagMs: 1 };

/** `count` windows of `windowMs` from t0, with steps "home" and "add to cart" and a few errors. */
export function fixtureWindows(count: number, t0 = 1_800_000_000_000, windowMs = 5000): MergedWindow[] {
  const agg = new WindowAggregator(windowMs, t0);
  for (let w = 0; w < count; w += 1) {
    const start = t0 + w * windowMs;
    agg.activeVusChanged(Math.min(10, w + 1), start);
    for (let i = 0; i < 10; i += 1) {
      const at = start + i * (windowMs / 10);
      agg.iterationStarted(at);
      agg.stepSucceeded('home', at + 1, 300 + ((w * 37 + i * 11) % 60));
      if ((w + i) % 9 === 0) agg.stepFailed('add to cart', at + 2, 'TimeoutError', 'Waiting for selector `#cart` failed');
      else agg.stepSucceeded('add to cart', at + 2, 180 + ((w * 13 + i * 7) % 40) + (w > count / 2 ? 200 : 0));
      agg.iterationEnded(at + 3, (w + i) % 9 !== 0);
      const timed = (ttfb: number, status = 200) => ({ url: '', method: 'GET', status, bytes: 800, cached: false, phases: { ttfb, download: 1, total: ttfb + 2 } });
      agg.requestObserved('http://shop/', 'home', timed(5), at + 1);
      agg.requestObserved('http://shop/api/products', 'home', timed(100 + ((w + i) % 7)), at + 1);
      agg.requestObserved('http://shop/api/cart', 'add to cart', timed(150 + (i % 5), (w + i) % 9 === 0 ? 503 : 200), at + 2);
      agg.pageViewed('home', { LCP: 1800 + i * 100, FCP: 900, CLS: 0.02, TTFB: 6 }, at + 3);
    }
  }
  return agg.takeAll(t0 + count * windowMs - 1, () => RESOURCES).map((body) => mergeAgentWindows([body]));
}

export function fixtureSnapshot(windowCount: number, overrides: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  const t0 = 1_800_000_000_000;
  const windows = fixtureWindows(windowCount, t0);
  return {
    runId: '20261122-101500-ab12',
    scenario: 'demo shop',
    t0,
    now: t0 + windowCount * 5000 + 1000,
    plan: { startVus: 0, stages: [{ durationMs: 60_000, target: 10 }, { durationMs: 4 * 3600_000, target: 10 }], gracefulStopMs: 30_000 },
    windows,
    agents: [
      { id: 'a1', host: '10.0.1.12', status: 'running', activeVus: 6, plannedVus: 6, cpuHistory: [50, 61], saturated: false, rssMb: 812, hostMemUsedPct: 41, lastReportAt: t0 + windowCount * 5000 - 2000 },
      { id: 'a2', host: '10.0.1.13', status: 'lost', activeVus: 0, plannedVus: 4, cpuHistory: [88, 93], saturated: true, rssMb: 640, lastReportAt: t0 + 10_000 },
    ],
    events: ['agent 10.0.1.13 lost: no connection for 15s'],
    stopping: false,
    ...overrides,
  };
}
