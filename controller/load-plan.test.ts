import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { resolvePlan } from './load-plan.js';

describe('resolvePlan', () => {
  it('takes the scenario\'s stages unless flags override them', () => {
    const options = { stages: [{ duration: '10s', target: 4 }, { duration: '20s', target: 0 }] };
    expect(resolvePlan(options, {}, 's.ts')).toEqual({
      startVus: 0,
      stages: [{ durationMs: 10_000, target: 4 }, { durationMs: 20_000, target: 0 }],
      gracefulStopMs: 30_000,
    });
    expect(resolvePlan(options, { vus: 2 }, 's.ts')).toMatchObject({ startVus: 2, stages: [{ durationMs: 30_000, target: 2 }] });
    expect(resolvePlan(options, { stages: '5s:1' }, 's.ts').stages).toEqual([{ durationMs: 5000, target: 1 }]);
  });

  it('uses vus and duration, flags first, with defaults', () => {
    expect(resolvePlan({ vus: 3, duration: '1m', gracefulStop: '5s' }, { duration: '10s' }, 's.ts')).toEqual({
      startVus: 3,
      stages: [{ durationMs: 10_000, target: 3 }],
      gracefulStopMs: 5000,
    });
    expect(resolvePlan(undefined, {}, 's.ts')).toMatchObject({ startVus: 1, stages: [{ durationMs: 30_000, target: 1 }] });
  });

  it('names the file and field of a bad option, and the flag of a bad flag', () => {
    expect(() => resolvePlan({ duration: 60 }, {}, 'shop.ts')).toThrow(/shop\.ts: options\.duration: expected a duration/);
    expect(() => resolvePlan({ vus: 2, rampUp: '1m' }, {}, 'shop.ts')).toThrow('shop.ts: options: Unrecognized key: "rampUp"');
    expect(() => resolvePlan({}, { stages: '10s' }, 'shop.ts')).toThrow(InputError);
    expect(() => resolvePlan({}, { stages: '10s' }, 'shop.ts')).toThrow(/--stages 10s: "10s" is not a stage/);
    expect(() => resolvePlan({}, { duration: 'soon' }, 'shop.ts')).toThrow(/--duration soon: expected a duration/);
  });
});
