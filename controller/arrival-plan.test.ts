import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { resolvePlan } from './load-plan.js';

const shape = (plan: ReturnType<typeof resolvePlan>) => {
  const { seed, ...rest } = plan as { seed?: number };
  expect(typeof seed).toBe('number');
  return rest;
};

describe('resolvePlan with an arrival rate', () => {
  it('reads options.arrival and options.vus { preAllocated, max }', () => {
    const plan = resolvePlan({ arrival: { rate: 20, per: '1s', duration: '5m' }, vus: { preAllocated: 10, max: 40 }, gracefulStop: '5s' }, {}, 's.ts');
    expect(shape(plan)).toEqual({
      model: 'arrival',
      perMs: 1000,
      startRate: 20,
      stages: [{ durationMs: 300_000, rate: 20 }],
      distribution: 'uniform',
      preAllocatedVus: 10,
      maxVus: 40,
      gracefulStopMs: 5000,
    });
  });

  it('ramps with stages from startRate, per minute, Poisson', () => {
    const plan = resolvePlan({ arrival: { stages: [{ duration: '2m', rate: 50 }, { duration: '1m', rate: 0 }], per: '1m', distribution: 'poisson' } }, {}, 's.ts');
    expect(plan).toMatchObject({ perMs: 60_000, startRate: 0, stages: [{ durationMs: 120_000, rate: 50 }, { durationMs: 60_000, rate: 0 }], distribution: 'poisson' });
  });

  it('sizes VUs from the peak rate when not told: one second of arrivals made up front, ten at most', () => {
    expect(resolvePlan({ arrival: { rate: 20, duration: '1m' } }, {}, 's.ts')).toMatchObject({ preAllocatedVus: 20, maxVus: 200 });
    expect(resolvePlan({ arrival: { rate: 30, per: '1m', duration: '1m' } }, {}, 's.ts')).toMatchObject({ preAllocatedVus: 1, maxVus: 5 });
    expect(resolvePlan({ arrival: { rate: 20, duration: '1m' }, vus: { max: 8 } }, {}, 's.ts')).toMatchObject({ preAllocatedVus: 8, maxVus: 8 });
  });

  it('lets flags choose the model: --rate over options, --vus over options.arrival', () => {
    expect(resolvePlan({ vus: 3, duration: '1m' }, { rate: 5, maxVus: 9 }, 's.ts')).toMatchObject({ model: 'arrival', startRate: 5, stages: [{ durationMs: 60_000, rate: 5 }], maxVus: 9 });
    expect(resolvePlan({ arrival: { rate: 5, duration: '1m' } }, { vus: 2 }, 's.ts')).toEqual({ startVus: 2, stages: [{ durationMs: 60_000, target: 2 }], gracefulStopMs: 30_000 });
    expect(resolvePlan({}, { rateStages: '10s:5,20s:5.5', per: '1m' }, 's.ts')).toMatchObject({ perMs: 60_000, stages: [{ durationMs: 10_000, rate: 5 }, { durationMs: 20_000, rate: 5.5 }] });
    expect(resolvePlan({ arrival: { rate: 5, duration: '1m' } }, { duration: '10s', arrivals: 'poisson' }, 's.ts')).toMatchObject({ stages: [{ durationMs: 10_000, rate: 5 }], distribution: 'poisson' });
  });

  it('names the field or flag of every mistake, as an input error', () => {
    const cases: Array<[unknown, Parameters<typeof resolvePlan>[1], RegExp]> = [
      [{ arrival: { rate: 10 } }, {}, /^s\.ts: options\.arrival\.duration: a rate needs a duration/],
      [{}, { rate: 10 }, /^--rate 10: needs a duration/],
      [{ arrival: { rate: 10, duration: '1m' }, vus: { preAllocated: 20, max: 5 } }, {}, /^s\.ts: options\.vus\.max: max must be at least preAllocated/],
      [{ arrival: { rate: 10, duration: '1m' } }, { preAllocatedVus: 20, maxVus: 5 }, /^--max-vus 5: must be at least the pre-allocated VUs \(--pre-allocated-vus 20\)/],
      [{ arrival: { rate: 10, duration: '1m' }, vus: 5 }, {}, /^s\.ts: options\.vus: with options\.arrival, expected \{ preAllocated, max \}/],
      [{ vus: { max: 5 } }, {}, /^s\.ts: options\.vus: \{ preAllocated, max \} sizes an arrival rate/],
      [{ arrival: { rate: 10, duration: '1m' }, stages: [{ duration: '1m', target: 2 }] }, {}, /^s\.ts: options\.stages: ramps VUs/],
      [{ arrival: { rate: 10, duration: '1m', stages: [{ duration: '1m', rate: 2 }] } }, {}, /^s\.ts: options\.arrival\.stages: give rate \(with duration\) or stages, not both/],
      [{ arrival: { rate: -1, duration: '1m' } }, {}, /^s\.ts: options\.arrival\.rate: expected a number >= 0/],
      [{ arrival: { rate: 1, duration: '1m', distribution: 'bursty' } }, {}, /^s\.ts: options\.arrival\.distribution: expected "uniform" or "poisson"/],
      [{}, { vus: 2, rate: 3 }, /^--vus and --rate: pick one/],
      [{}, { maxVus: 3 }, /^--max-vus: shapes an arrival rate: add --rate/],
      [{}, { rateStages: '10s:x' }, /^--rate-stages 10s:x: "10s:x" is not a stage/],
      [{}, { rate: 1, duration: '1m', per: 'soon' }, /^--per soon: expected a duration/],
    ];
    for (const [options, flags, message] of cases) {
      expect(() => resolvePlan(options, flags, 's.ts'), JSON.stringify([options, flags])).toThrow(message);
      expect(() => resolvePlan(options, flags, 's.ts')).toThrow(InputError);
    }
  });
});
