// What exporters are given per window: counters that only grow (late
// agents' windows included), the run so far's percentiles equal to the
// report's, and labels capped.
import { describe, expect, it } from 'vitest';
import { DistributionAccumulator } from '../../src/metrics/distribution.js';
import { mergeAgentWindows } from '../../src/metrics/merge.js';
import { StepAccumulator } from '../../src/metrics/step-stats.js';
import type { Distribution, StepWindow, WindowBody } from '../../src/protocol/messages.js';
import type { Plan } from '../../src/protocol/plan.js';
import type { CompletedWindow, LateWindow, LiveRunInfo } from '../live/output.js';
import { latencyOf } from '../report/build.js';
import type { MetricBatch, MetricPoint } from './metric-points.js';
import { DEFAULT_EXPORTER_OPTIONS, FOLDED_LABEL, type ExporterOptions } from './options.js';
import { WindowMetrics } from './window-metrics.js';

const T0 = 1_700_000_000_000;
const WINDOW_MS = 1000;
const RESOURCES = { hostCpuPct: 40, agentCpuPct: 12, agentRssMb: 150, hostMemUsedPct: 55, loopLagMs: 3 };

function runInfo(plan: Partial<Plan> = {}): LiveRunInfo {
  return {
    runId: 'run-1',
    scenario: 'shop',
    plan: { startVus: 0, stages: [{ durationMs: 10_000, target: 2 }], gracefulStopMs: 0, ...plan } as Plan,
    windowMs: WINDOW_MS,
    t0: T0,
    agents: [
      { id: 'a', host: 'host-a' },
      { id: 'b', host: 'host-b' },
    ],
  };
}

function stepWire(durations: readonly number[], failures = 0): StepWindow {
  const acc = new StepAccumulator();
  for (const ms of durations) acc.recordSuccess(ms);
  for (let i = 0; i < failures; i += 1) acc.recordFailure('Error', 'boom');
  return acc.toWire();
}

function dist(values: readonly number[]): Distribution {
  const acc = new DistributionAccumulator();
  for (const value of values) acc.record(value);
  return acc.toWire()!;
}

function body(index: number, parts: Partial<WindowBody> = {}): WindowBody {
  return {
    windowStart: T0 + index * WINDOW_MS,
    windowMs: WINDOW_MS,
    steps: {},
    iterations: { started: 0, completed: 0, failed: 0 },
    iterationErrors: {},
    vus: { min: 1, max: 1 },
    resources: RESOURCES,
    saturated: false,
    ...parts,
  };
}

function complete(bodies: Array<[agentId: string, body: WindowBody]>): CompletedWindow {
  return { merged: mergeAgentWindows(bodies.map(([, b]) => b)), byAgent: bodies.map(([agentId, b]) => ({ agentId, body: b })), missing: [] };
}

function late(agentId: string, b: WindowBody): LateWindow {
  return { agentId, body: b, merged: mergeAgentWindows([b]) };
}

/** The point of `name` whose labels include `labels`. */
function point(batch: MetricBatch, name: string, labels: Record<string, string> = {}): MetricPoint | undefined {
  const found = batch.points.filter((p) => p.name === name && Object.entries(labels).every(([k, v]) => p.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} points ${name} ${JSON.stringify(labels)}`);
  return found[0];
}

function value(batch: MetricBatch, name: string, labels: Record<string, string> = {}): number | undefined {
  const p = point(batch, name, labels);
  if (p === undefined) return undefined;
  if (p.kind === 'summary') throw new Error(`${name} is a summary`);
  return p.value;
}

function summary(batch: MetricBatch, name: string, labels: Record<string, string> = {}) {
  const p = point(batch, name, labels);
  if (p?.kind !== 'summary') throw new Error(`no summary ${name} ${JSON.stringify(labels)}`);
  return p;
}

describe('WindowMetrics', () => {
  it('keeps step and iteration counters cumulative across windows, with each window its own quantiles', () => {
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS);
    const first = metrics.window(complete([['a', body(0, { steps: { home: stepWire([100, 200], 1) }, iterations: { started: 3, completed: 2, failed: 1 } })]]));
    const second = metrics.window(complete([['a', body(1, { steps: { home: stepWire([1000]) }, iterations: { started: 1, completed: 1, failed: 0 } })]]));

    expect(first.timestampMs).toBe(T0 + WINDOW_MS);
    expect(second.timestampMs).toBe(T0 + 2 * WINDOW_MS);
    expect(second.startMs).toBe(T0);
    expect([value(first, 'step_attempts', { step: 'home' }), value(second, 'step_attempts', { step: 'home' })]).toEqual([3, 4]);
    expect([value(first, 'step_failures', { step: 'home' }), value(second, 'step_failures', { step: 'home' })]).toEqual([1, 1]);
    expect([value(second, 'iterations_started'), value(second, 'iterations_completed'), value(second, 'iterations_failed')]).toEqual([4, 3, 1]);
    expect(point(second, 'iterations_dropped')).toBeUndefined();

    const duration = summary(second, 'step_duration_ms', { step: 'home' });
    expect([duration.count, duration.sum]).toEqual([3, 1300]);
    // The second window had one sample: every quantile of it is that sample.
    expect(duration.quantiles.map((q) => q.value)).toEqual([1000, 1000, 1000, 1000]);
    expect(duration.labels).toEqual({ run_id: 'run-1', scenario: 'shop', step: 'home' });
  });

  it('stamps a window that ends after now (the load stopped mid-window) with now, each batch after the last', () => {
    let now = T0 + WINDOW_MS / 2;
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS, () => now);
    const first = metrics.window(complete([['a', body(0)]]));
    const second = metrics.window(complete([['a', body(1)]]));
    expect([first.timestampMs, second.timestampMs]).toEqual([now, now + 1]);
    now = T0 + 10 * WINDOW_MS;
    expect(metrics.window(complete([['a', body(2)]])).timestampMs).toBe(T0 + 3 * WINDOW_MS);
  });

  it('keeps a step seen before in later batches, its counters as they were and no quantiles of a window it was not in', () => {
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS);
    metrics.window(complete([['a', body(0, { steps: { home: stepWire([50]) } })]]));
    const next = metrics.window(complete([['a', body(1, { steps: { cart: stepWire([70]) } })]]));
    expect(value(next, 'step_attempts', { step: 'home' })).toBe(1);
    expect(summary(next, 'step_duration_ms', { step: 'home' }).quantiles).toEqual([]);
    expect(summary(next, 'step_duration_ms', { step: 'cart' }).quantiles).toHaveLength(4);
  });

  it('adds a late window into the counters and the run so far, shown in the next batch', () => {
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS);
    metrics.window(complete([['a', body(0, { steps: { home: stepWire([100]) }, iterations: { started: 1, completed: 1, failed: 0 } })]]));
    metrics.late(late('b', body(0, { steps: { home: stepWire([300, 300], 2) }, iterations: { started: 4, completed: 2, failed: 2 } })));
    expect(metrics.hasUnsentLate).toBe(true);
    const next = metrics.window(complete([['a', body(1, { steps: { home: stepWire([100]) }, iterations: { started: 1, completed: 1, failed: 0 } })]]));
    expect(metrics.hasUnsentLate).toBe(false);
    expect(value(next, 'step_attempts', { step: 'home' })).toBe(6);
    expect(value(next, 'step_failures', { step: 'home' })).toBe(2);
    expect(value(next, 'iterations_started')).toBe(6);
    const duration = summary(next, 'step_duration_ms', { step: 'home' });
    expect([duration.count, duration.sum]).toEqual([4, 800]);
    // This window's own quantiles: the late samples were another interval's.
    expect(duration.quantiles.every((q) => q.value === 100)).toBe(true);
    expect(value(next, 'step_duration_run_ms', { step: 'home', quantile: '0.99' })).toBeCloseTo(300, -1);
  });

  it('flushes what a late window added after the last batch at a later timestamp than that batch', () => {
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS);
    const last = metrics.window(complete([['a', body(0, { steps: { home: stepWire([100]) } })]]));
    metrics.late(late('b', body(0, { steps: { home: stepWire([100, 100]) } })));
    const flushed = metrics.flush(last.timestampMs - 5000);
    expect(flushed.timestampMs).toBe(last.timestampMs + 1);
    expect(value(flushed, 'step_attempts', { step: 'home' })).toBe(3);
    expect(metrics.hasUnsentLate).toBe(false);
  });

  it("gives step_duration_run_ms as the report's percentiles of every window merged, late ones too", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 3000;
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS);
    const whole = new StepAccumulator();
    let batch: MetricBatch | undefined;
    for (let i = 0; i < 6; i += 1) {
      const a = stepWire(Array.from({ length: 40 }, random), i % 2);
      const b = stepWire(Array.from({ length: 25 }, random));
      whole.addWindow(a);
      whole.addWindow(b);
      if (i === 3) {
        batch = metrics.window(complete([['a', body(i, { steps: { checkout: a } })]]));
        metrics.late(late('b', body(i, { steps: { checkout: b } })));
      } else {
        batch = metrics.window(complete([['a', body(i, { steps: { checkout: a } })], ['b', body(i, { steps: { checkout: b } })]]));
      }
    }
    const report = latencyOf(whole);
    const run = (quantile: string) => value(batch!, 'step_duration_run_ms', { step: 'checkout', quantile });
    expect({ p50: run('0.5'), p90: run('0.9'), p95: run('0.95'), p99: run('0.99') }).toEqual({ p50: report.p50, p90: report.p90, p95: report.p95, p99: report.p99 });
    expect(value(batch!, 'step_attempts', { step: 'checkout' })).toBe(report.count);
    expect(value(batch!, 'step_failures', { step: 'checkout' })).toBe(report.failed);
  });

  it('says no run-so-far latency for a step that never succeeded', () => {
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS);
    const batch = metrics.window(complete([['a', body(0, { steps: { login: stepWire([], 3) } })]]));
    expect(value(batch, 'step_failures', { step: 'login' })).toBe(3);
    expect(point(batch, 'step_duration_run_ms', { step: 'login' })).toBeUndefined();
  });

  it('folds label values past the cap into "other", summed, and counts how many were folded', () => {
    const options: ExporterOptions = { ...DEFAULT_EXPORTER_OPTIONS, maxLabelValues: 2 };
    const metrics = new WindowMetrics(runInfo(), options);
    const request = (count: number) => ({ count, statuses: { '2xx': count }, bytes: 100 * count, cached: 0, steps: {}, ttfb: dist(Array(count).fill(20)) });
    const batch = metrics.window(
      complete([
        [
          'a',
          body(0, {
            steps: { a: stepWire([10]), b: stepWire([20]), c: stepWire([30, 30]), d: stepWire([40], 1) },
            requests: { '/1': request(1), '/2': request(2), '/3': request(3), '/4': request(4) },
          }),
        ],
      ]),
    );
    const steps = batch.points.filter((p) => p.name === 'step_attempts').map((p) => [p.labels.step, p.kind !== 'summary' ? p.value : NaN]);
    expect(steps).toEqual([
      ['a', 1],
      ['b', 1],
      [FOLDED_LABEL, 4],
    ]);
    expect(value(batch, 'step_failures', { step: FOLDED_LABEL })).toBe(1);
    expect(summary(batch, 'step_duration_ms', { step: FOLDED_LABEL })).toMatchObject({ count: 3, sum: 100 });
    expect(value(batch, 'requests', { label: FOLDED_LABEL, status_class: '2xx' })).toBe(7);
    expect(value(batch, 'request_bytes', { label: FOLDED_LABEL })).toBe(700);
    expect(summary(batch, 'request_ttfb_ms', { label: FOLDED_LABEL })).toMatchObject({ count: 7, sum: 140 });
    expect(metrics.folded).toEqual({ step: 2, label: 2, agent: 0, flow: 0 });
    expect(metrics.foldedValues).toBe(4);

    // A folded value stays folded, a kept one stays kept, and a value seen again is not counted twice.
    const next = metrics.window(complete([['a', body(1, { steps: { c: stepWire([1]), a: stepWire([1]), e: stepWire([1]) } })]]));
    expect(value(next, 'step_attempts', { step: FOLDED_LABEL })).toBe(6);
    expect(value(next, 'step_attempts', { step: 'a' })).toBe(2);
    expect(metrics.folded.step).toBe(3);
  });

  it('folds agents past the cap into "other" as the worst of them', () => {
    const metrics = new WindowMetrics(runInfo(), { ...DEFAULT_EXPORTER_OPTIONS, maxLabelValues: 1 });
    const batch = metrics.window(
      complete([
        ['a', body(0, { resources: { ...RESOURCES, hostCpuPct: 10 } })],
        ['b', body(0, { resources: { ...RESOURCES, hostCpuPct: 90, loopLagMs: 1 } })],
        ['c', body(0, { resources: { ...RESOURCES, hostCpuPct: 70, loopLagMs: 50 } })],
      ]),
    );
    expect(value(batch, 'agent_cpu_percent', { agent: 'a', host: 'host-a' })).toBe(10);
    expect(value(batch, 'agent_cpu_percent', { agent: FOLDED_LABEL, host: FOLDED_LABEL })).toBe(90);
    expect(value(batch, 'agent_event_loop_lag_ms', { agent: FOLDED_LABEL })).toBe(50);
    expect(metrics.folded.agent).toBe(2);
  });

  it('gives VUs, agents, each agent resources, requests by status class, web vitals with p75, and flows', () => {
    const metrics = new WindowMetrics(runInfo({ flows: [{ name: 'buy', weight: 1 }, { name: 'browse', weight: 2 }] }), DEFAULT_EXPORTER_OPTIONS);
    const a = body(0, {
      steps: { 'buy/pay': stepWire([100]), 'browse/home': stepWire([50]) },
      vus: { min: 1, max: 3, allocated: 5 },
      iterations: { started: 2, completed: 2, failed: 0, dropped: 1 },
      flows: { buy: { started: 1, completed: 1, failed: 0 }, browse: { started: 1, completed: 1, failed: 0 } },
      requests: { '/api/cart': { count: 3, statuses: { '2xx': 2, '5xx': 1 }, bytes: 900, cached: 0, steps: {}, ttfb: dist([10, 20, 30]), total: dist([15, 25, 35]) } },
      pageViews: { 'browse/home': { views: 2, LCP: dist([800, 1200]), CLS: dist([0.02, 0.1]) } },
    });
    const b = body(0, { saturated: true, resources: { ...RESOURCES, agentRssMb: 222 } });
    const batch = metrics.window(complete([['a', a], ['b', b]]));

    expect(value(batch, 'vus')).toBe(4);
    expect(value(batch, 'vus_allocated')).toBe(5);
    expect(value(batch, 'agents')).toBe(2);
    expect(value(batch, 'saturated_agents')).toBe(1);
    expect(value(batch, 'iterations_dropped')).toBe(1);
    expect(value(batch, 'agent_rss_mb', { agent: 'b', host: 'host-b' })).toBe(222);
    expect(value(batch, 'agent_host_memory_used_percent', { agent: 'a' })).toBe(55);
    expect(value(batch, 'agent_process_cpu_percent', { agent: 'a' })).toBe(12);
    expect(point(batch, 'step_attempts', { step: 'buy/pay' })?.labels.flow).toBe('buy');
    expect(value(batch, 'flow_iterations_completed', { flow: 'browse' })).toBe(1);
    expect(value(batch, 'requests', { label: '/api/cart', status_class: '5xx' })).toBe(1);
    expect(value(batch, 'request_bytes', { label: '/api/cart' })).toBe(900);
    expect(summary(batch, 'request_duration_ms', { label: '/api/cart' })).toMatchObject({ count: 3, sum: 75 });
    const ttfb = summary(batch, 'request_ttfb_ms', { label: '/api/cart' });
    expect(ttfb.quantiles.map((q) => q.quantile)).toEqual([0.5, 0.9, 0.95, 0.99]);
    expect(ttfb.quantiles[0]!.value).toBeCloseTo(20, 0);
    const lcp = summary(batch, 'web_vital', { vital: 'LCP', step: 'browse/home' });
    expect(lcp.quantiles.map((q) => q.quantile)).toEqual([0.5, 0.75, 0.9, 0.95, 0.99]);
    expect(lcp.unit).toBe('ms');
    expect(summary(batch, 'web_vital', { vital: 'CLS' }).unit).toBe('1');
    for (const p of batch.points) expect(p.labels).toMatchObject({ run_id: 'run-1', scenario: 'shop' });
  });

  it('gives a step no flow label when its prefix is no flow of the plan', () => {
    const metrics = new WindowMetrics(runInfo(), DEFAULT_EXPORTER_OPTIONS);
    const batch = metrics.window(complete([['a', body(0, { steps: { 'api/v2': stepWire([5]) } })]]));
    expect(point(batch, 'step_attempts', { step: 'api/v2' })?.labels).not.toHaveProperty('flow');
  });
});
