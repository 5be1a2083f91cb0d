// Merging agents' windows: the merge of several agents' histograms is the
// histogram of all their samples, and counts, failures, iterations, VUs and
// errors add up, in whatever order the windows arrive.
import { describe, expect, it } from 'vitest';
import type { WindowBody } from '../protocol/messages.js';
import { mergeAgentWindows } from './merge.js';
import { StepAccumulator } from './step-stats.js';
import { WindowAggregator } from './window.js';

const RESOURCES = { hostCpuPct: 20, agentCpuPct: 5, agentRssMb: 80, hostMemUsedPct: 30, loopLagMs: 1 };

function windowOf(durations: readonly number[], failures = 0, vus = 1): WindowBody {
  const aggregator = new WindowAggregator(1000, 0);
  aggregator.activeVusChanged(vus, 0);
  durations.forEach((ms, i) => {
    aggregator.iterationStarted(i);
    aggregator.stepSucceeded('home', i, ms);
    aggregator.iterationEnded(i, true);
  });
  for (let i = 0; i < failures; i += 1) aggregator.stepFailed('home', i, 'TimeoutError', `waited ${i}`);
  return aggregator.takeAll(999, () => RESOURCES)[0]!;
}

/** Deterministic spread of latencies: a slow tail on one agent only. */
const fast = Array.from({ length: 400 }, (_, i) => 80 + ((i * 37) % 60));
const slow = Array.from({ length: 100 }, (_, i) => 900 + ((i * 53) % 400));

describe('mergeAgentWindows', () => {
  it('gives the percentiles of all samples together, not an average of the agents\' percentiles', () => {
    const merged = mergeAgentWindows([windowOf(fast), windowOf(slow)]);
    const together = StepAccumulator.of(windowOf([...fast, ...slow]).steps.home!);
    const home = StepAccumulator.of(merged.steps.home!);
    for (const q of [0.5, 0.9, 0.95, 0.99]) expect(home.percentile(q)).toBe(together.percentile(q));
    expect(merged.steps.home).toEqual(windowOf([...fast, ...slow]).steps.home);
    // An average of the two p95s would sit far from the truth.
    const averaged = (StepAccumulator.of(windowOf(fast).steps.home!).percentile(0.95) + StepAccumulator.of(windowOf(slow).steps.home!).percentile(0.95)) / 2;
    expect(Math.abs(averaged - home.percentile(0.95))).toBeGreaterThan(100);
  });

  it('adds counts, failures, error tallies and VUs, whatever the order', () => {
    const a = windowOf(fast.slice(0, 10), 2, 3);
    const b = windowOf(slow.slice(0, 5), 1, 2);
    const merged = mergeAgentWindows([a, b]);
    expect(mergeAgentWindows([b, a])).toEqual(merged);
    expect(merged.steps.home).toMatchObject({ count: 18, failed: 3, errors: { TimeoutError: { count: 3 } } });
    expect(merged.vus).toEqual({ min: a.vus.min + b.vus.min, max: 5 });
    expect(merged.agents).toBe(2);
    expect(merged.iterations).toEqual({ started: 15, completed: 15, failed: 0 });
    expect(merged.steps.home!.minMs).toBe(Math.min(...fast.slice(0, 10)));
    expect(merged.steps.home!.maxMs).toBe(Math.max(...slow.slice(0, 5)));
  });
});
