import { describe, expect, it } from 'vitest';
import { StepAccumulator } from '../../src/metrics/step-stats.js';
import { InputError } from '../../src/errors.js';
import { evaluateThresholds, parseThreshold, parseThresholdFlag, thresholdSpecs, type Observations } from './thresholds.js';

function observations(): Observations {
  const home = new StepAccumulator();
  for (let i = 1; i <= 100; i += 1) home.recordSuccess(i * 10); // 10 .. 1000 ms
  const cart = new StepAccumulator();
  for (let i = 0; i < 99; i += 1) cart.recordSuccess(200);
  cart.recordFailure('TimeoutError', 'late');
  const all = new StepAccumulator();
  all.addWindow(home.toWire());
  all.addWindow(cart.toWire());
  return {
    steps: new Map([
      ['home', home],
      ['add to cart', cart],
    ]),
    allSteps: all,
    iterations: { started: 101, completed: 99, failed: 1 },
    durationMs: 50_000,
  };
}

const spec = (target: string, expression: string) => ({ target, expression, source: 'scenario' as const });

function verdict(target: string, expression: string) {
  return evaluateThresholds([spec(target, expression)], observations())[0]!;
}

describe('thresholds', () => {
  it('passes and fails on step percentiles, in ms or s', () => {
    const p95 = observations().steps.get('home')!.percentile(0.95);
    expect(Math.abs(p95 - 950) / 950).toBeLessThan(0.006);
    expect(verdict('step:home', 'p95 < 1000')).toMatchObject({ passed: true, detail: `p95 was ${Math.round(p95 * 100) / 100}ms` });
    expect(verdict('step:home', 'p95 < 900').passed).toBe(false);
    expect(verdict('step:home', 'p95 < 1s').passed).toBe(true);
    expect(verdict('step:home', 'p99.9 <= 1000')).toMatchObject({ passed: true });
    expect(verdict('step:home', 'max > 999')).toMatchObject({ passed: true, actual: 1000 });
  });

  it('treats the equality edges exactly', () => {
    expect(verdict('step:home', 'max < 1000').passed).toBe(false);
    expect(verdict('step:home', 'max <= 1000').passed).toBe(true);
    expect(verdict('step:home', 'min == 10').passed).toBe(true);
    expect(verdict('step:home', 'min != 10').passed).toBe(false);
    expect(verdict('step:home', 'mean >= 505').passed).toBe(true);
    // 1 failure of 100 attempts is exactly 1 %.
    expect(verdict('step:add to cart', 'failed < 1%')).toMatchObject({ passed: false, actual: 1, detail: 'failed was 1%, not < 1%' });
    expect(verdict('step:add to cart', 'failed <= 1%').passed).toBe(true);
    expect(verdict('step:add to cart', 'failed == 1').passed).toBe(true);
    expect(verdict('iterations', 'completed > 99').passed).toBe(false);
    expect(verdict('iterations', 'completed >= 99').passed).toBe(true);
  });

  it('merges all steps for "steps", and reads iteration counts, shares and rates', () => {
    expect(verdict('steps', 'count == 200').passed).toBe(true);
    expect(verdict('steps', 'p50 < 250').passed).toBe(true);
    expect(verdict('iterations', 'failed < 5%')).toMatchObject({ passed: true, actual: 1 });
    expect(verdict('iterations', 'rate > 1.9/s')).toMatchObject({ passed: true, actual: 1.98 });
    expect(verdict('step:home', 'rate >= 2')).toMatchObject({ passed: true, actual: 2 });
  });

  it('judges an arrival-rate run by its dropped share and the rate it started iterations at over its schedule', () => {
    const open = { ...observations(), iterations: { started: 297, completed: 290, failed: 7, dropped: 3 }, scheduleMs: 30_000 };
    const judge = (expression: string) => evaluateThresholds([spec('iterations', expression)], open)[0]!;
    expect(judge('dropped < 1%')).toMatchObject({ passed: false, actual: 1, detail: 'dropped was 1%, not < 1%' });
    expect(judge('dropped <= 1%').passed).toBe(true);
    expect(judge('dropped == 3').passed).toBe(true);
    expect(judge('rate >= 9.9')).toMatchObject({ passed: true, actual: 9.9 });
    expect(judge('rate >= 10')).toMatchObject({ passed: false, detail: 'rate was 9.9/s, not >= 10/s' });
    // A closed run drops nothing.
    expect(verdict('iterations', 'dropped == 0').passed).toBe(true);
    expect(evaluateThresholds([spec('iterations', 'dropped < 1%')], { ...observations(), iterations: { started: 0, completed: 0, failed: 0 } })[0]).toMatchObject({
      passed: false,
      detail: 'no iteration was due',
    });
  });

  it('judges a named flow by its own iterations, and refuses a flow or step the scenario does not have', () => {
    const flows = new Map([
      ['browse', { started: 80, completed: 79, failed: 1 }],
      ['checkout', { started: 20, completed: 18, failed: 2 }],
    ]);
    const judge = (target: string, expression: string) => evaluateThresholds([spec(target, expression)], { ...observations(), flows })[0]!;
    expect(judge('flow:checkout', 'failed < 5%')).toMatchObject({ passed: false, actual: 10 });
    expect(judge('flow:browse', 'completed >= 79').passed).toBe(true);
    expect(judge('flow:gone', 'started > 0')).toMatchObject({ passed: false, detail: 'flow "gone" never ran' });
    expect(() => parseThreshold(spec('flow:browse', 'p95 < 5'))).toThrow(/unknown metric "p95"; use started, completed, failed, dropped, rate/);
    const names = ['browse', 'checkout'];
    expect(() => thresholdSpecs({ 'flow:buy': ['failed < 1%'] }, [], names)).toThrow('options.thresholds "flow:buy": "failed < 1%": unknown flow "buy"; the scenario\'s flows: browse, checkout');
    expect(() => thresholdSpecs({}, ['flow:buy:failed<1%'])).toThrow(/--threshold "flow:buy".*unknown flow "buy"; the scenario has no named flows/);
    expect(() => thresholdSpecs({ 'step:home': ['p95 < 500'] }, [], names)).toThrow(/a step of a named flow is "<flow>\/<step>", e\.g\. "step:browse\/home"/);
    expect(thresholdSpecs({ 'step:checkout/home': ['p95 < 500'], 'flow:checkout': ['failed < 1%'] }, [], names)).toHaveLength(2);
  });

  it('refuses a request label that can match nothing before the load: not a path, a URL, "other" or a group of the scenario', () => {
    expect(() => thresholdSpecs({}, ['requests:dnsx:p95<5'])).toThrow(/--threshold "requests:dnsx": "p95<5": "dnsx" is no request label: .*\(it has none\); a phase of every request is "requests:<phase>:p95<…"/);
    expect(() => thresholdSpecs({ 'requests:apii': ['count > 1'] }, [], undefined, ['api'])).toThrow(/one of the scenario's request groups \(api\)/);
    expect(thresholdSpecs({}, ['requests:dns:p95<5', 'requests:/api/cart:count>1', 'requests:https://shop.example/x:p95<9', 'requests:other:count<5', 'requests:api:p95<9'], undefined, ['api'])).toHaveLength(5);
  });

  it('fails, with a reason, a threshold on a step that never ran', () => {
    expect(verdict('step:checkout', 'p95 < 800')).toEqual({
      target: 'step:checkout',
      expression: 'p95 < 800',
      passed: false,
      detail: 'step "checkout" never ran',
      source: 'scenario',
    });
  });

  it.each([
    ['step:home', 'p95 << 500', /expected <metric> <operator> <value>/],
    ['step:home', 'p95', /expected <metric> <operator> <value>/],
    ['step:home', 'latency < 500', /unknown metric "latency"/],
    ['step:home', 'p95 < 5%', /"p95" is a time: write ms or s, not %/],
    ['step:home', 'count < 2.5', /"count" is a count: expected a whole number/],
    ['iterations', 'p95 < 5', /unknown metric "p95"; use started, completed, failed, dropped, rate/],
    ['iterations', 'dropped < 1ms', /"dropped" is a count: no unit \(or % for a share\)/],
    ['step:', 'p95 < 5', /the target must be "step:<step name>", "steps", "iterations", "flow:<flow name>", "requests"/],
    ['checkout', 'p95 < 5', /the target must be/],
  ])('rejects %s "%s"', (target, expression, message) => {
    expect(() => parseThreshold(spec(target, expression))).toThrow(InputError);
    expect(() => parseThreshold(spec(target, expression))).toThrow(message);
  });

  it('reads --threshold flags, step names with colons included', () => {
    expect(parseThresholdFlag('step:home:p95<500')).toEqual({ target: 'step:home', expression: 'p95<500', source: 'cli' });
    expect(parseThresholdFlag('step:api: v2:p99 < 1s')).toEqual({ target: 'step:api: v2', expression: 'p99 < 1s', source: 'cli' });
    expect(() => parseThresholdFlag('p95<500')).toThrow(/--threshold "p95<500": expected <target>:<expression>/);
    expect(() => thresholdSpecs({ 'step:home': ['p95 <'] }, [])).toThrow('options.thresholds "step:home": "p95 <": expected');
    expect(thresholdSpecs({ steps: ['p99 < 3s'] }, ['iterations:failed<1%'])).toEqual([
      { target: 'steps', expression: 'p99 < 3s', source: 'scenario' },
      { target: 'iterations', expression: 'failed<1%', source: 'cli' },
    ]);
  });
});
