import { describe, expect, it } from 'vitest';
import { firstVuNumbers, loadFirstVus, preAllocatedRanges, splitCount, splitPlan } from './split.js';
import { isArrivalPlan, type ArrivalPlan, type FlowLoadsPlan } from '../protocol/plan.js';

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
    expect(plans.map((p) => p.stages.map((s) => ('target' in s ? s.target : -1)))).toEqual([[2, 1], [4, 2]]);
    expect(firstVuNumbers(plans)).toEqual([1, 3]);
  });
});

describe('splitPlan for an arrival rate', () => {
  const arrival: ArrivalPlan = {
    model: 'arrival' as const,
    perMs: 1000,
    startRate: 12,
    stages: [{ durationMs: 10_000, rate: 12 }],
    distribution: 'uniform' as const,
    seed: 1,
    preAllocatedVus: 8,
    maxVus: 40,
    gracefulStopMs: 0,
  };

  it('keeps the run-wide rate and gives each agent its turns by weight, and VUs the same way', () => {
    const plans = splitPlan(arrival, [{ weight: 1 }, { weight: 2 }, { weight: 1 }]);
    expect(plans.map((p) => ('share' in p ? p.share : undefined))).toEqual([0, 1, 2].map((index) => ({ index, weights: [1, 2, 1] })));
    expect(plans.map((p) => ('maxVus' in p ? [p.preAllocatedVus, p.maxVus] : []))).toEqual([[2, 10], [4, 20], [2, 10]]);
    expect(plans.every((p) => 'startRate' in p && p.startRate === 12)).toBe(true);
    expect(firstVuNumbers(plans)).toEqual([1, 11, 31]);
  });

  it('follows the VUs a capped host can hold instead of its weight', () => {
    const plans = splitPlan(arrival, [{ weight: 1, maxVus: 4 }, { weight: 1 }]);
    expect(plans.map((p) => p.share?.weights)).toEqual([[4, 36], [4, 36]]);
  });

  it('refuses fewer VUs than hosts', () => {
    expect(() => splitPlan({ ...arrival, maxVus: 2, preAllocatedVus: 1 }, [{ weight: 1 }, { weight: 1 }, { weight: 1 }])).toThrow(/max VUs 2 cannot be split over 3 hosts/);
  });
});

describe('splitPlan for flows with loads of their own', () => {
  const plan: FlowLoadsPlan = {
    model: 'flows' as const,
    gracefulStopMs: 0,
    loads: [
      { startVus: 3, stages: [{ durationMs: 1000, target: 3 }], gracefulStopMs: 0, flows: [{ name: 'browse', weight: 1 }] },
      { model: 'arrival' as const, perMs: 1000, startRate: 4, stages: [{ durationMs: 1000, rate: 4 }], distribution: 'uniform' as const, seed: 1, preAllocatedVus: 2, maxVus: 6, gracefulStopMs: 0, flows: [{ name: 'checkout', weight: 1 }] },
    ],
  };

  it('splits each load on its own and numbers every load\'s VUs in a range of its own', () => {
    const plans = splitPlan(plan, [{ weight: 1 }, { weight: 2 }]);
    expect(plans.map((p) => p.loads.map((load) => (isArrivalPlan(load) ? [load.preAllocatedVus, load.maxVus, load.share] : load.startVus)))).toEqual([
      [1, [1, 2, { index: 0, weights: [1, 2] }]],
      [2, [1, 4, { index: 1, weights: [1, 2] }]],
    ]);
    // agent 1: browse VU 1, checkout VUs 2-3; agent 2 from 4: browse 4-5, checkout 6-9
    expect(firstVuNumbers(plans)).toEqual([1, 4]);
    expect(loadFirstVus(plans[1]!, 4)).toEqual([4, 6]);
    expect(preAllocatedRanges(plans[1]!, 4)).toEqual([{ firstVu: 6, count: 1 }]);
    expect(preAllocatedRanges({ startVus: 2, stages: [{ durationMs: 1000, target: 2 }], gracefulStopMs: 0 }, 1)).toEqual([]);
  });

  it('names the flow whose load cannot be split', () => {
    const small = { ...plan, loads: [plan.loads[0]!, { ...plan.loads[1]!, maxVus: 2, preAllocatedVus: 1 }] };
    expect(() => splitPlan(small, [{ weight: 1 }, { weight: 1 }, { weight: 1 }])).toThrow('checkout: max VUs 2 cannot be split over 3 hosts');
  });
});
