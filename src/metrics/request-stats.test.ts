import { describe, expect, it } from 'vitest';
import { PageViewWindowSchema, RequestWindowSchema, type ResourceSample } from '../protocol/messages.js';
import { mergeAgentWindows } from './merge.js';
import { PageViewAccumulator, RequestAccumulator, requestTable, statusClass, type RequestSample } from './request-stats.js';
import { WindowAggregator } from './window.js';

const resources: ResourceSample = { hostCpuPct: 10, agentCpuPct: 5, agentRssMb: 80, hostMemUsedPct: 20, loopLagMs: 1 };

function sample(overrides: Partial<RequestSample> = {}): RequestSample {
  return { url: 'http://shop/api', method: 'GET', status: 200, bytes: 500, cached: false, phases: { ttfb: 100, download: 2, total: 103 }, ...overrides };
}

describe('status classes', () => {
  it('classes by status, a network failure first, and status 0 or 1xx as other', () => {
    expect([200, 204, 301, 404, 500, 503, 0, 101].map((status) => statusClass({ status }))).toEqual(['2xx', '2xx', '3xx', '4xx', '5xx', '5xx', 'other', 'other']);
    expect(statusClass({ status: 0, failed: true })).toBe('failed');
  });
});

describe('RequestAccumulator', () => {
  it('counts statuses, bytes, cache hits and steps, and records only the phases that happened', () => {
    const acc = new RequestAccumulator();
    acc.record(sample({ phases: { connect: 1.5, ttfb: 100, total: 104 } }), 'home');
    acc.record(sample({ status: 500, bytes: 200 }), 'home');
    acc.record(sample({ cached: true, bytes: 0, phases: { total: 1 } }), 'cart');
    const wire = acc.toWire();
    expect(RequestWindowSchema.parse(wire)).toEqual(wire);
    expect(wire).toMatchObject({ count: 3, bytes: 700, cached: 1, statuses: { '2xx': 2, '5xx': 1 }, steps: { home: 2, cart: 1 } });
    expect(wire.connect?.count).toBe(1);
    expect(wire.dns).toBeUndefined();
    expect(wire.ttfb).toMatchObject({ count: 2, min: 100, max: 100, sum: 200 });
    expect(wire.total?.count).toBe(3);
  });

  it('merges two agents into what one would have seen', () => {
    const one = new RequestAccumulator();
    const a = new RequestAccumulator();
    const b = new RequestAccumulator();
    for (let i = 1; i <= 50; i += 1) {
      const s = sample({ phases: { ttfb: i * 3, total: i * 3 + 1 }, status: i % 10 === 0 ? 404 : 200 });
      one.record(s, 'home');
      (i % 2 === 0 ? a : b).record(s, 'home');
    }
    const merged = new RequestAccumulator();
    merged.addWire(a.toWire());
    merged.addWire(b.toWire());
    expect(merged.toWire()).toEqual(one.toWire());
    expect(merged.phases.get('ttfb').quantile(0.5)).toBeCloseTo(75, -0.5);
  });
});

describe('PageViewAccumulator', () => {
  it('keeps one value per vital per page view and ignores what web-vitals did not report', () => {
    const acc = new PageViewAccumulator();
    acc.record({ LCP: 1200, FCP: 800, CLS: 0, TTFB: 30 });
    acc.record({ LCP: 2600, FCP: 900, CLS: 0.12, INP: 40, TTFB: 35 });
    const wire = acc.toWire();
    expect(PageViewWindowSchema.parse(wire)).toEqual(wire);
    expect(wire.views).toBe(2);
    expect(wire.LCP).toMatchObject({ count: 2, min: 1200, max: 2600 });
    expect(wire.INP?.count).toBe(1);
    expect(wire.CLS).toMatchObject({ count: 2, min: 0, max: 0.12 });
    expect(acc.vitals.get('CLS').quantile(0.99)).toBeCloseTo(0.12, 2);
  });
});

describe('windows with requests and page views', () => {
  it('puts them in the window of their time, merges agents, and leaves them out when there were none', () => {
    const a = new WindowAggregator(1000, 10_000);
    const b = new WindowAggregator(1000, 10_000);
    a.requestObserved('http://shop/api', 'home', sample(), 10_200);
    b.requestObserved('http://shop/api', 'home', sample({ status: 503 }), 10_300);
    b.requestObserved('http://shop/', 'home', sample(), 11_100);
    a.pageViewed('home', { LCP: 500 }, 10_400);
    const [wa, emptyA] = a.takeAll(11_500, () => resources);
    const [wb] = b.takeAll(11_500, () => resources);
    expect(emptyA!.requests).toBeUndefined();
    expect(emptyA!.pageViews).toBeUndefined();
    const merged = mergeAgentWindows([wa!, wb!]);
    expect(merged.requests!['http://shop/api']).toMatchObject({ count: 2, statuses: { '2xx': 1, '5xx': 1 } });
    expect(merged.requests!['http://shop/']).toBeUndefined();
    expect(merged.pageViews!.home!.views).toBe(1);
    const table = requestTable();
    table.add(merged.requests);
    expect(table.size).toBe(1);
  });
});
