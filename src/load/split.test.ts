import { describe, expect, it } from 'vitest';
import { firstVuNumbers, splitCount, splitPlan } from './split.js';

describe('splitCount', () => {
  it('splits by weight with the largest remainder, deterministically', () => {
    expect(splitCount(10, [{ weight: 1 }, { weight: 1 }, { weight: 1 }])).toEqual([4, 3, 3]);
    expect(splitCount(10, [{ weight: 2 }, { weight: 1 }, { weight: 1 }])).toEqual([5, 3, 2]);
    expect(splitCount(0, [{ weight: 1 }, { weight: 3 }])).toEqual([0, 0]);
  });

  it('respects caps and gives the rest to the others', () => {
    expect(splitCount(12, [{ weight: 2, maxVus: 3 }, { weight: 1 }, { weight: 1 }])).toEqual([3, 5, 4]);
    expect(() => splitCount(10, [{ weight: 1, maxVus: 4 }, { weight: 1, maxVus: 4 }])).toThrow(/maxVUs/);
  });

  it('splits every stage and numbers VUs uniquely', () => {
    const plans = splitPlan(
      { startVus: 0, stages: [{ durationMs: 1000, target: 6 }, { durationMs: 1000, target: 3 }], gracefulStopMs: 0 },
      [{ weight: 1 }, { weight: 2 }],
    );
    expect(plans.map((p) => p.stages.map((s) => s.target))).toEqual([[2, 1], [4, 2]]);
    expect(firstVuNumbers(plans)).toEqual([1, 3]);
  });
});
