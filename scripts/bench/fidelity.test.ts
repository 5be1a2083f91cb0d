import { describe, expect, it } from 'vitest';
import { CurveSearch, harnessOverhead, type CurveTiming } from './fidelity.js';
import type { PointResult } from './runners/types.js';

const TIMING: CurveTiming = { warmupMs: 1, measureMs: 10, baselineMs: 20, refineSteps: 3, maxVus: 256 };

/** A runner whose p50 stays at 100 ms up to `knee` VUs and doubles beyond it. */
function result(vus: number, knee: number, extra: Partial<PointResult> = {}): PointResult {
  return { vus, p50: vus <= knee ? 100 : 200, p95: 150, samples: 50, failedPct: 0, hostCpuPct: 50, browserPssMb: 30 * vus, browserProcesses: vus, ...extra };
}

function search(knee: number, timing = TIMING): { counts: number[]; capacity: number; durations: number[] } {
  const curve = new CurveSearch(timing);
  const counts: number[] = [];
  const durations: number[] = [];
  for (let next = curve.next(); next; next = curve.next()) {
    counts.push(next.vus);
    durations.push(next.measureMs);
    curve.record(result(next.vus, knee), next.measureMs);
  }
  return { counts, durations, capacity: curve.curve({ name: 'r', describe: 'r', measure: async () => result(1, knee) }).capacity };
}

describe('CurveSearch', () => {
  it('doubles from the 1-VU baseline until the p50 leaves the limit, then bisects', () => {
    expect(search(26)).toEqual({ counts: [1, 2, 4, 8, 16, 32, 24, 28, 26], durations: [20, 10, 10, 10, 10, 10, 10, 10, 10], capacity: 26 });
  });

  it('stops after its refinement steps even when the edge is not pinned', () => {
    expect(search(26, { ...TIMING, refineSteps: 1 })).toMatchObject({ counts: [1, 2, 4, 8, 16, 32, 24], capacity: 24 });
  });

  it('grows by the given factor for a shorter, coarser curve', () => {
    expect(search(26, { ...TIMING, growth: 4, refineSteps: 2 })).toMatchObject({ counts: [1, 4, 16, 64, 40, 28], capacity: 16 });
  });

  it('stops at maxVus and at vuLimit', () => {
    expect(search(1000, { ...TIMING, maxVus: 8 })).toMatchObject({ counts: [1, 2, 4, 8], capacity: 8 });
    expect(search(1000, { ...TIMING, vuLimit: 2 })).toMatchObject({ counts: [1, 2], capacity: 2 });
  });

  it('a point with failures or no samples is over the limit', () => {
    const curve = new CurveSearch(TIMING);
    curve.record(result(1, 100), 20);
    expect(curve.record(result(2, 100, { failedPct: 5 }), 10).withinLimit).toBe(false);
    expect(curve.next()).toBeUndefined();
    expect(curve.curve({ name: 'r', describe: 'r', measure: async () => result(1, 1) }).capacity).toBe(1);
  });

  it('prices an iteration in host CPU time', () => {
    const curve = new CurveSearch(TIMING, 2);
    // 50 % of 2 cores for 10 ms is 10 ms of CPU, over 50 iterations
    expect(curve.record(result(1, 100), 10).cpuMsPerIteration).toBeCloseTo(0.2);
  });

  it('a failed baseline ends the curve with capacity 0', () => {
    const curve = new CurveSearch(TIMING);
    curve.record(result(1, 100, { samples: 0 }), 20);
    expect(curve.next()).toBeUndefined();
    expect(curve.curve({ name: 'r', describe: 'r', measure: async () => result(1, 1) }).capacity).toBe(0);
  });

  it('sets a step p50 beside the page\'s own p50 of the same span: the harness overhead', () => {
    const curve = new CurveSearch(TIMING);
    // result(1, 100) has a p50 of 100 ms; the page timed the same action at 90, 92, 97 ms
    expect(curve.record(result(1, 100), 20, [90, 92, 97])).toMatchObject({ pageP50: 92, pageSamples: 3, harnessMs: 8 });
    expect(curve.record(result(2, 100), 10).harnessMs).toBeUndefined();
    expect(harnessOverhead(120, [])).toEqual({});
  });
});
