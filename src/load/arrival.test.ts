import { describe, expect, it } from 'vitest';
import type { ArrivalPlan } from '../protocol/plan.js';
import { arrivals, arrivalsBy, ownArrivals, rateAt, timeOfArrival, TurnTaker } from './arrival.js';

function plan(overrides: Partial<ArrivalPlan> = {}): ArrivalPlan {
  return {
    model: 'arrival',
    perMs: 1000,
    startRate: 10,
    stages: [{ durationMs: 30_000, rate: 10 }],
    distribution: 'uniform',
    seed: 7,
    preAllocatedVus: 1,
    maxVus: 10,
    gracefulStopMs: 0,
    ...overrides,
  };
}

describe('arrival schedule', () => {
  it('holds a constant rate: 10/s for 30s is 300 arrivals, evenly spaced from t0', () => {
    const times = [...arrivals(plan())].map((a) => a.atMs);
    expect(times).toHaveLength(300);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(100, 9);
    expect(times.at(-1)).toBeCloseTo(29_900, 6);
  });

  it('ramps linearly: the integral of the rate, and its inverse', () => {
    // 0 to 20 per second over 10 s: 100 arrivals, half of them in the last 2.93 s
    const ramp = plan({ startRate: 0, stages: [{ durationMs: 10_000, rate: 20 }] });
    expect(rateAt(ramp, 5000)).toBeCloseTo(10 / 1000, 12);
    expect(arrivalsBy(ramp, 10_000)).toBeCloseTo(100, 9);
    expect(arrivalsBy(ramp, 5000)).toBeCloseTo(25, 9);
    expect(timeOfArrival(ramp, 25)).toBeCloseTo(5000, 6);
    expect(timeOfArrival(ramp, 100)).toBeUndefined();
    expect([...arrivals(ramp)]).toHaveLength(100);
  });

  it('follows several stages, a per-minute unit and a pause at rate 0', () => {
    const staged = plan({ perMs: 60_000, startRate: 60, stages: [{ durationMs: 60_000, rate: 60 }, { durationMs: 30_000, rate: 0 }, { durationMs: 30_000, rate: 0 }] });
    const times = [...arrivals(staged)].map((a) => a.atMs);
    expect(arrivalsBy(staged, 120_000)).toBeCloseTo(75, 9);
    expect(times).toHaveLength(75);
    expect(times.every((t) => t < 90_000)).toBe(true);
  });

  it('draws Poisson arrivals from the seed: the same on every agent, about the rate on average', () => {
    const poisson = plan({ distribution: 'poisson', stages: [{ durationMs: 1_000_000, rate: 10 }] });
    const a = [...arrivals(poisson)].map((x) => x.atMs);
    const b = [...arrivals(poisson)].map((x) => x.atMs);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(9_700);
    expect(a.length).toBeLessThan(10_300);
    const gaps = a.slice(1).map((t, i) => t - a[i]!);
    const shortGaps = gaps.filter((g) => g < 50).length / gaps.length;
    // Exponential gaps with mean 100 ms: P(gap < 50 ms) = 1 - e^-0.5 ≈ 0.39; uniform gaps would give 0.
    expect(shortGaps).toBeGreaterThan(0.36);
    expect(shortGaps).toBeLessThan(0.42);
    expect([...arrivals({ ...poisson, seed: 8 })].slice(0, 5)).not.toEqual([...arrivals(poisson)].slice(0, 5));
  });
});

describe('turns by weight', () => {
  it('gives each agent within one of its weighted share after any number of turns', () => {
    const turns = new TurnTaker([1, 2, 1]);
    const counts = [0, 0, 0];
    for (let n = 1; n <= 1000; n += 1) {
      counts[turns.next()]! += 1;
      counts.forEach((count, i) => expect(Math.abs(count - (n * [1, 2, 1][i]!) / 4)).toBeLessThanOrEqual(1));
    }
  });

  it("splits the run's arrivals so that the agents' own add up to all of them, none twice", () => {
    const weights = [1, 2, 1];
    const all = [...arrivals(plan({ share: { index: 0, weights } }))].map((a) => a.atMs);
    const own = weights.map((_, index) => [...ownArrivals(plan({ share: { index, weights } }))]);
    expect(own.map((list) => list.length)).toEqual([75, 150, 75]);
    expect(own.flat().sort((a, b) => a - b)).toEqual(all);
  });
});
