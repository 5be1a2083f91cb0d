import { describe, expect, it } from 'vitest';
import { WindowAggregator } from '../../src/metrics/window.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import { analyseHost, calibrationLevels, calibrationPlan, calibrationWindowMs } from './levels.js';
import { planDurationMs, vusAt } from '../../src/load/stages.js';

const T0 = 1_800_000_000_000;

/** Windows of 3 s where "product" takes `latency(vus)` ms at the level running then. */
function windowsFor(
  levels: ReturnType<typeof calibrationLevels>,
  latency: (vus: number) => number,
  cpu: (vus: number) => number,
  windowMs = 3000,
  t0 = T0,
): WindowBody[] {
  const end = levels.at(-1)!.toMs;
  const agg = new WindowAggregator(windowMs, t0);
  for (let t = 0; t < end; t += 100) {
    const level = levels.find((l) => t >= l.fromMs - 1000 && t < l.toMs)!;
    agg.stepSucceeded('product', t0 + t, latency(level.vus));
  }
  return agg.takeAll(t0 + end - 1, () => ({ hostCpuPct: 0, agentCpuPct: 0, agentRssMb: 0, hostMemUsedPct: 0, loopLagMs: 0 })).map((w) => {
    // A window that straddles a ramp counts the lower level's VUs as its min.
    const level = [...levels].reverse().find((l) => w.windowStart - t0 >= l.fromMs - 1000 && w.windowStart - t0 < l.toMs);
    const pct = level ? cpu(level.vus) : 0;
    return { ...w, vus: { min: level?.vus ?? 0, max: level?.vus ?? 0 }, resources: { ...w.resources, hostCpuPct: pct }, saturated: pct > 95 };
  });
}

describe('calibration', () => {
  it('steps up to the max and holds each step', () => {
    const levels = calibrationLevels(20, 15_000);
    expect(levels.map((l) => l.vus)).toEqual([1, 2, 4, 8, 12, 16, 20]);
    const plan = calibrationPlan(levels);
    expect(planDurationMs(plan)).toBe(7 * 16_000);
    expect(vusAt(plan, levels[3]!.fromMs + 5000)).toBe(8);
  });

  it('suggests the last step within 1.2x of the 1-VU p50, before any saturated one', () => {
    const levels = calibrationLevels(32, 15_000);
    const windows = windowsFor(levels, (vus) => (vus <= 12 ? 140 + vus : vus === 16 ? 160 : 400), (vus) => vus * 4);
    const result = analyseHost('h1', windows, levels, T0);
    expect(result.baselineP50).toBeCloseTo(141, 0);
    expect(result.levels.map((l) => [l.vus, l.ok])).toEqual([[1, true], [2, true], [4, true], [8, true], [12, true], [16, true], [24, false], [32, false]]);
    expect(result.suggestedMaxVus).toBe(16);
  });

  it('stops at a saturated step even when its p50 still looks fine', () => {
    const levels = calibrationLevels(32, 15_000);
    const windows = windowsFor(levels, () => 140, (vus) => (vus >= 12 ? 97 : 50));
    expect(analyseHost('h1', windows, levels, T0).suggestedMaxVus).toBe(8);
  });

  it('measures every level of a short hold wherever the wall-clock windows fall', () => {
    expect([4000, 5000, 8000, 12_000, 15_000, 60_000].map(calibrationWindowMs)).toEqual([1000, 1000, 2000, 3000, 3000, 3000]);
    const levels = calibrationLevels(2, 4000);
    for (let offset = 0; offset < 3000; offset += 250) {
      const windows = windowsFor(levels, () => 140, () => 10, calibrationWindowMs(4000), T0 + offset);
      const result = analyseHost('h1', windows, levels, T0 + offset);
      expect(result.levels.map((l) => l.samples > 0)).toEqual([true, true]);
      expect(result.suggestedMaxVus).toBe(2);
    }
  });
});
