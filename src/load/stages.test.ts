import { describe, expect, it } from 'vitest';
import type { Plan } from '../protocol/plan.js';
import { parseDuration } from './duration.js';
import { constantPlan, parseStages, planDurationMs, stageAt, vusAt } from './stages.js';

describe('vusAt', () => {
  const ramp: Plan = {
    startVus: 0,
    stages: [
      { durationMs: 10_000, target: 10 },
      { durationMs: 20_000, target: 10 },
      { durationMs: 10_000, target: 0 },
    ],
    gracefulStopMs: 0,
  };

  it('ramps linearly between stage targets', () => {
    expect(vusAt(ramp, 0)).toBe(0);
    expect(vusAt(ramp, 1_000)).toBe(1);
    expect(vusAt(ramp, 5_000)).toBe(5);
    expect(vusAt(ramp, 9_999)).toBe(10);
    expect(vusAt(ramp, 10_000)).toBe(10);
    expect(vusAt(ramp, 29_999)).toBe(10);
    expect(vusAt(ramp, 35_000)).toBe(5);
    expect(vusAt(ramp, 39_000)).toBe(1);
  });

  it('is zero before t0 and after the end', () => {
    expect(vusAt(ramp, -1)).toBe(0);
    expect(vusAt(ramp, 40_000)).toBe(0);
    expect(planDurationMs(ramp)).toBe(40_000);
    expect(stageAt(ramp, 15_000)).toBe(1);
    expect(stageAt(ramp, 40_000)).toBe(-1);
  });

  it('holds a constant plan from the first instant', () => {
    const plan = constantPlan(5, 30_000, 1000);
    expect(vusAt(plan, 0)).toBe(5);
    expect(vusAt(plan, 29_999)).toBe(5);
    expect(vusAt(plan, 30_000)).toBe(0);
  });
});

describe('parseStages and parseDuration', () => {
  it('parses duration:target lists', () => {
    expect(parseStages('10s:5, 1m30s:20,500ms:0')).toEqual([
      { durationMs: 10_000, target: 5 },
      { durationMs: 90_000, target: 20 },
      { durationMs: 500, target: 0 },
    ]);
  });

  it('explains what is wrong', () => {
    expect(parseStages('10s:5,abc')).toMatch(/"abc" is not a stage; expected duration:target/);
    expect(parseStages('10x:5')).toMatch(/not a stage/);
    expect(parseStages('10s:-1')).toMatch(/not a stage/);
  });

  it('parses durations and rejects junk', () => {
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('30')).toBeUndefined();
    expect(parseDuration('s')).toBeUndefined();
    expect(parseDuration('10s x')).toBeUndefined();
  });
});
