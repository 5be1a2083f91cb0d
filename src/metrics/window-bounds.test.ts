// What a window may hold: the agent's trimming keeps a window in one message
// and says what it left out; the controller's bounds refuse absurd windows.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import type { RequestWindow, StepWindow, WindowBody } from '../protocol/messages.js';
import { WINDOW_LIMITS, fitWindow, windowOutOfBounds } from './window-bounds.js';

const step = (count: number): StepWindow => ({ count, failed: 0, sumMs: count, minMs: 1, maxMs: 1, hist: `100:${Math.max(1, count)}`, errors: {} });
const request = (count: number): RequestWindow => ({ count, statuses: { '2xx': count }, bytes: 100, cached: 0, steps: { home: count } });

function windowWith(steps: number, labels = 0): WindowBody {
  const base = windowOf(0, 1000, [10], 2);
  return {
    ...base,
    steps: Object.fromEntries(Array.from({ length: steps }, (_, i) => [`step ${i}`, step(i + 1)])),
    requests: Object.fromEntries(Array.from({ length: labels }, (_, i) => [`/path/${'x'.repeat(200)}${i}`, request(i + 1)])),
  };
}

describe('fitWindow', () => {
  it('leaves a window that fits as it is, with no marker', () => {
    const window = windowWith(3, 3);
    expect(fitWindow(window)).toEqual(window);
  });

  it('keeps the most-counted names past the limit and counts the rest as trimmed', () => {
    const fitted = fitWindow(windowWith(WINDOW_LIMITS.names + 500));
    expect(Object.keys(fitted.steps)).toHaveLength(WINDOW_LIMITS.names);
    expect(fitted.steps['step 0']).toBeUndefined();
    expect(fitted.steps[`step ${WINDOW_LIMITS.names + 499}`]).toBeDefined();
    expect(fitted.trimmed).toBe(500);
  });

  it('drops request detail, then steps, until the frame fits, and says how many entries went', () => {
    const window = windowWith(400, 400);
    const size = (w: WindowBody) => JSON.stringify(w).length;
    const budget = Math.floor(size(window) / 4);
    const fitted = fitWindow(window, budget);
    expect(size(fitted)).toBeLessThanOrEqual(budget);
    expect(fitted.requests).toBeUndefined();
    const kept = Object.keys(fitted.steps).length;
    expect(kept).toBeGreaterThan(0);
    expect(fitted.trimmed).toBe(400 + (400 - kept));
    // The steps kept are the most counted ones.
    expect(fitted.steps['step 399']).toBeDefined();
  });
});

describe('windowOutOfBounds', () => {
  const expected = { plannedVus: 2, windowMs: 1000, origin: 0, earliest: 0, latest: 3_600_000 };

  it('accepts what an agent of that size can send', () => {
    expect(windowOutOfBounds(windowWith(10, 10), expected)).toBeUndefined();
  });

  it("takes window boundaries from the run's start, not from the wall clock", () => {
    const fromT0 = { ...expected, origin: 250 };
    expect(windowOutOfBounds({ ...windowWith(1), windowStart: 1250 }, fromT0)).toBeUndefined();
    expect(windowOutOfBounds({ ...windowWith(1), windowStart: 1000 }, fromT0)).toMatch(/starting at 1000, not on a 1000 ms boundary from the run's start/);
  });

  it.each<[string, (w: WindowBody) => WindowBody, RegExp]>([
    ['2^31 VUs', (w) => ({ ...w, vus: { min: 0, max: 2 ** 31 } }), /2147483648 VUs from an agent given 2/],
    ['9e15 iterations', (w) => ({ ...w, iterations: { started: 9e15, completed: 0, failed: 0 } }), /9000000000000000 iterations started/],
    ['a step counted 9e15 times', (w) => ({ ...w, steps: { home: step(9e15) } }), /attempts of step "home"/],
    ['150,000 step names', (w) => ({ ...w, steps: Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`s${i}`, step(1)])) }), /150000 steps in one window/],
    ['another window length', (w) => ({ ...w, windowMs: 5 }), /a 5 ms window in a run of 1000 ms windows/],
    ['a start off the window boundaries', (w) => ({ ...w, windowStart: 1500 }), /starting at 1500, not on a 1000 ms boundary/],
    ['a start years after the run (it would stretch the run over them)', (w) => ({ ...w, windowStart: 9e15 }), /outside the run/],
    ['a start at the epoch', (w) => ({ ...w, windowStart: -1000 }), /outside the run/],
    ['a step timed at 1e308 ms', (w) => ({ ...w, steps: { home: { ...step(1), maxMs: 1e308, sumMs: 1e308 } } }), /timings over 1000000000 ms in step "home"/],
  ])('refuses %s', (_, change, why) => {
    expect(windowOutOfBounds(change(windowWith(1)), expected)).toMatch(why);
  });
});
