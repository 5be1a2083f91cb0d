// Live thresholds: judged over the run so far as windows complete, only
// after their delay, only on a measured failure, and once.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import { mergeAgentWindows } from '../../src/metrics/merge.js';
import type { StopCause, ThresholdSpec } from '../../src/protocol/store.js';
import { thresholdSpecs } from '../report/thresholds.js';
import { ThresholdJudge } from './threshold-judge.js';

const T0 = 1_000_000;
const PLAN = { startVus: 0, stages: [{ durationMs: 60_000, target: 2 }], gracefulStopMs: 0 };

function judgeOf(specs: ThresholdSpec[]) {
  const stops: StopCause[] = [];
  const judge = new ThresholdJudge(specs, (cause) => stops.push(cause));
  judge.start({ runId: 'r', scenario: 's', plan: PLAN, windowMs: 1000, t0: T0, agents: [] });
  const complete = (second: number, durations: number[]) => {
    const merged = mergeAgentWindows([windowOf(T0 + second * 1000, 1000, durations)]);
    judge.windowComplete({ merged, byAgent: [], missing: [] });
  };
  return { stops, complete, judge };
}

describe('ThresholdJudge', () => {
  it('stops the load at the first window whose run-so-far numbers fail, once', () => {
    const { stops, complete } = judgeOf(thresholdSpecs({ 'step:home': [{ threshold: 'p95 < 500', abortOnFail: true }] }, []));
    complete(0, [100, 100]);
    complete(1, [200]);
    expect(stops).toEqual([]);
    complete(2, [900, 900, 900]);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ atMs: 3000, threshold: { target: 'step:home', expression: 'p95 < 500', abortOnFail: true } });
    expect(stops[0]!.detail).toMatch(/^p95 was \d+(\.\d+)?ms, not < 500ms$/);
    complete(3, [900]);
    expect(stops).toHaveLength(1);
  });

  it('judges nothing before delayAbortEval, then the whole run so far', () => {
    const { stops, complete } = judgeOf(thresholdSpecs({ 'step:home': [{ threshold: 'p95 < 500', abortOnFail: true, delayAbortEval: '3s' }] }, []));
    complete(0, [900]);
    complete(1, [900]);
    expect(stops).toEqual([]);
    complete(2, [100]);
    expect(stops.map((s) => s.atMs)).toEqual([3000]);
  });

  it('judges no window that begins after the plan\'s end: only last iterations finish there', () => {
    const { stops, complete } = judgeOf(thresholdSpecs({ 'step:home': [{ threshold: 'p95 < 500', abortOnFail: true }] }, []));
    complete(59, [100]);
    complete(60, [900, 900]);
    expect(stops).toEqual([]);
  });

  it('leaves thresholds without abortOnFail, and steps not run yet, to the end', () => {
    const specs = thresholdSpecs({ 'step:home': ['p95 < 1'], 'step:checkout': [{ threshold: 'p95 < 1', abortOnFail: true }] }, []);
    const { stops, complete } = judgeOf(specs);
    complete(0, [900]);
    expect(stops).toEqual([]);
  });

  it('takes --abort-on-fail for every --threshold, and a metric written in the key', () => {
    const specs = thresholdSpecs({ 'step:checkout:p95': ['< 2000'] }, ['iterations:failed<5%'], undefined, [], { delayAbortEvalMs: 60_000 });
    expect(specs).toEqual([
      { target: 'step:checkout', expression: 'p95< 2000', source: 'scenario' },
      { target: 'iterations', expression: 'failed<5%', source: 'cli', abortOnFail: true, delayAbortEvalMs: 60_000 },
    ]);
    expect(ThresholdJudge.wanted(specs)).toBe(true);
    expect(ThresholdJudge.wanted(specs.slice(0, 1))).toBe(false);
  });
});
