import { describe, expect, it } from 'vitest';
import type { ResourceSample } from '../protocol/messages.js';
import { WindowBodySchema } from '../protocol/messages.js';
import { alignWindow, WindowAggregator } from './window.js';

const resources: ResourceSample = { hostCpuPct: 10, agentCpuPct: 5, agentRssMb: 80, hostMemUsedPct: 20, loopLagMs: 1 };

describe('window alignment', () => {
  it("aligns to multiples of the window length from the origin (the run's t0)", () => {
    expect(alignWindow(1_700_000_012_345, 15_000, 1_700_000_001_000)).toBe(1_700_000_001_000);
    expect(alignWindow(1_700_000_016_000, 15_000, 1_700_000_001_000)).toBe(1_700_000_016_000);
    expect(alignWindow(1_700_000_000_999, 15_000, 1_700_000_001_000)).toBe(1_699_999_986_000);
    expect(alignWindow(2500, 1000)).toBe(2000);
  });

  it("puts two agents' events of the same interval in windows with the same start: the run's t0, not a wall-clock multiple", () => {
    const t0 = 1_700_000_001_000;
    const a = new WindowAggregator(15_000, t0);
    const b = new WindowAggregator(15_000, t0);
    a.stepSucceeded('home', 1_700_000_012_000, 100);
    b.stepSucceeded('home', 1_700_000_013_000, 100);
    // An event before t0 (a VU's set-up) counts in the first window.
    b.stepSucceeded('home', t0 - 500, 100);
    const [wa] = a.takeClosed(t0 + 15_000, () => resources);
    const [wb] = b.takeClosed(t0 + 15_000, () => resources);
    expect(wa!.windowStart).toBe(t0);
    expect(wb!.windowStart).toBe(t0);
    expect(wb!.steps.home!.count).toBe(2);
  });
});

describe('WindowAggregator', () => {
  it('closes windows at their end, empty ones included, and validates against the schema', () => {
    const agg = new WindowAggregator(1000, 10_000);
    agg.activeVusChanged(2, 10_000);
    agg.iterationStarted(10_100);
    agg.stepSucceeded('home', 10_500, 120);
    agg.stepFailed('cart', 10_900, 'TimeoutError', 'Waiting failed');
    agg.iterationEnded(10_900, false);
    agg.stepSucceeded('home', 12_200, 80);
    expect(agg.takeClosed(10_999, () => resources)).toEqual([]);
    const closed = agg.takeClosed(12_000, () => resources);
    expect(closed.map((w) => w.windowStart)).toEqual([10_000, 11_000]);
    const [first, empty] = closed;
    expect(first!.steps.home).toMatchObject({ count: 1, failed: 0, minMs: 120, maxMs: 120 });
    expect(first!.steps.cart).toMatchObject({ count: 1, failed: 1, errors: { TimeoutError: { count: 1, sample: 'Waiting failed' } } });
    expect(first!.iterations).toEqual({ started: 1, completed: 0, failed: 1 });
    expect(empty!.steps).toEqual({});
    expect(empty!.vus).toEqual({ min: 2, max: 2 });
    for (const w of closed) expect(WindowBodySchema.safeParse(w).success).toBe(true);
    const rest = agg.takeAll(12_300, () => resources);
    expect(rest.map((w) => w.windowStart)).toEqual([12_000]);
    expect(rest[0]!.steps.home!.count).toBe(1);
  });

  it('asks for the resource sample only when a window closes', () => {
    const agg = new WindowAggregator(1000, 0);
    let samples = 0;
    const sample = () => {
      samples += 1;
      return resources;
    };
    for (let t = 0; t < 1000; t += 250) expect(agg.takeClosed(t, sample)).toEqual([]);
    expect(samples).toBe(0);
    expect(agg.takeClosed(2000, sample)).toHaveLength(2);
    expect(samples).toBe(1);
  });

  it('tracks min and max active VUs within a window', () => {
    const agg = new WindowAggregator(1000, 0);
    agg.activeVusChanged(1, 100);
    agg.activeVusChanged(4, 200);
    agg.activeVusChanged(3, 900);
    const [w] = agg.takeClosed(1000, () => resources);
    expect(w!.vus).toEqual({ min: 0, max: 4 });
  });
});
