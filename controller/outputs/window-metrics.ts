// Turns each complete window into the neutral metric batch every exporter
// encodes (metric-points.ts). Counters, summary counts and sums are kept
// cumulative since the run's start, so a batch the target never got loses
// resolution, never totals; a late agent's window adds into them and shows
// in the next batch. step_duration_run_ms is the run so far, merged and
// rounded the way report.json's step percentiles are, so its last value is
// the report's. Pure: no clock, no I/O.
import { DistributionAccumulator } from '../../src/metrics/distribution.js';
import { addCounts } from '../../src/metrics/merge.js';
import { StepAccumulator } from '../../src/metrics/step-stats.js';
import { VITALS, type Vital } from '../../src/metrics/vitals.js';
import type { Distribution, FlowWindow, PageViewWindow, RequestWindow, ResourceSample, StepWindow, WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import { flowsOfPlan } from '../../src/protocol/plan.js';
import type { CompletedWindow, LateWindow, LiveRunInfo } from '../live/output.js';
import { round } from '../report/numbers.js';
import type { MetricBatch, MetricLabels, MetricPoint } from './metric-points.js';
import { FOLDED_LABEL, type ExporterOptions } from './options.js';

/** The labels whose values come from the scenario or the target, and so are capped. */
export const CAPPED_LABELS = ['step', 'label', 'agent', 'flow'] as const;
export type CappedLabel = (typeof CAPPED_LABELS)[number];

/** Web Vitals are judged at p75 (web.dev), so it is exported whatever the configured quantiles. */
const VITAL_QUANTILE = 0.75;

type IterationCounts = WindowBody['iterations'];

interface RequestTotals {
  statuses: Map<string, number>;
  bytes: number;
  ttfb: Sums;
  duration: Sums;
}

interface Sums {
  count: number;
  sum: number;
}

/** One label's values in first-seen order: the first `max` are kept, the rest become "other". */
class LabelCap {
  private readonly kept = new Set<string>();
  private readonly folded = new Set<string>();

  constructor(private readonly max: number) {}

  fold(value: string): string {
    if (value === FOLDED_LABEL || this.kept.has(value)) return value;
    if (this.kept.size < this.max) {
      this.kept.add(value);
      return value;
    }
    // Enough to say how much the cap bit; a hostile page must not grow it without end.
    if (this.folded.size < MAX_FOLDED_REMEMBERED) this.folded.add(value);
    return FOLDED_LABEL;
  }

  get foldedValues(): number {
    return this.folded.size;
  }
}

const MAX_FOLDED_REMEMBERED = 10_000;

export class WindowMetrics {
  private readonly base: MetricLabels;
  private readonly caps: Record<CappedLabel, LabelCap>;
  private readonly flowNames: ReadonlySet<string>;
  private readonly vitalQuantiles: readonly number[];
  /** by step (folded): its labels and every attempt so far */
  private readonly steps = new Map<string, { labels: MetricLabels; run: StepAccumulator }>();
  private iterations: IterationCounts = { started: 0, completed: 0, failed: 0 };
  private readonly flows = new Map<string, IterationCounts>();
  private readonly requests = new Map<string, RequestTotals>();
  /** by step (folded), then vital */
  private readonly vitals = new Map<string, Map<Vital, Sums>>();
  private lateSinceLastBatch = false;
  private lastTimestampMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly run: LiveRunInfo,
    private readonly options: ExporterOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.base = { run_id: run.runId, scenario: run.scenario };
    this.caps = Object.fromEntries(CAPPED_LABELS.map((name) => [name, new LabelCap(options.maxLabelValues)])) as Record<CappedLabel, LabelCap>;
    this.flowNames = new Set((flowsOfPlan(run.plan) ?? []).map((flow) => flow.name));
    this.vitalQuantiles = [...new Set([...options.quantiles, VITAL_QUANTILE])].sort((a, b) => a - b);
  }

  /** Distinct values of each capped label that went into "other". */
  get folded(): Record<CappedLabel, number> {
    return Object.fromEntries(CAPPED_LABELS.map((name) => [name, this.caps[name].foldedValues])) as Record<CappedLabel, number>;
  }

  /** Distinct values, over every capped label, that went into "other". */
  get foldedValues(): number {
    return CAPPED_LABELS.reduce((sum, name) => sum + this.caps[name].foldedValues, 0);
  }

  /** A late window came after the last batch: only a batch made after it carries what it added. */
  get hasUnsentLate(): boolean {
    return this.lateSinceLastBatch;
  }

  /** The batch of a complete window: its own quantiles and gauges, the cumulative counters with it. */
  window({ merged, byAgent }: CompletedWindow): MetricBatch {
    const steps = new Map<string, StepAccumulator>();
    const requests = new Map<string, { ttfb: DistributionAccumulator; duration: DistributionAccumulator }>();
    const vitals = new Map<string, Map<Vital, DistributionAccumulator>>();
    this.addToRun(merged, { steps, requests, vitals });
    const points: MetricPoint[] = [
      ...this.stepPoints(steps),
      ...this.iterationPoints(),
      ...this.loadPoints(merged),
      ...this.requestPoints(requests),
      ...this.vitalPoints(vitals),
      ...this.agentPoints(byAgent),
    ];
    // Stamped at the window's end, or now if that is still ahead (the load stopped mid-window): a query right after
    // the run would not see a sample from its future. One after the last, always: a timestamp written twice is refused.
    const end = merged.windowStart + merged.windowMs;
    return this.batch(Math.max(Math.min(end, this.now()), this.lastTimestampMs + 1), points);
  }

  /** A late agent's window: what it adds to the counters, sums and run-so-far quantiles; the next batch carries it. */
  late({ merged }: LateWindow): void {
    this.addToRun(merged);
    this.lateSinceLastBatch = true;
  }

  /**
   * The cumulative points once more, for late windows that came after the
   * last complete one (the run is ending). `timestampMs` is moved past the
   * last batch's: a sample at a timestamp already written would be refused.
   */
  flush(timestampMs: number): MetricBatch {
    return this.batch(Math.max(timestampMs, this.lastTimestampMs + 1), [...this.stepPoints(new Map()), ...this.iterationPoints(), ...this.requestPoints(new Map()), ...this.vitalPoints(new Map())]);
  }

  private batch(timestampMs: number, points: MetricPoint[]): MetricBatch {
    this.lastTimestampMs = timestampMs;
    this.lateSinceLastBatch = false;
    return { timestampMs, startMs: this.run.t0, points };
  }

  /** Adds a window to the run's totals, and (when given) to this window's own tables, both by folded label. */
  private addToRun(
    merged: MergedWindow,
    own?: {
      steps: Map<string, StepAccumulator>;
      requests: Map<string, { ttfb: DistributionAccumulator; duration: DistributionAccumulator }>;
      vitals: Map<string, Map<Vital, DistributionAccumulator>>;
    },
  ): void {
    for (const [name, wire] of Object.entries(merged.steps)) {
      const key = this.stepSeries(name);
      this.steps.get(key)!.run.addWindow(wire);
      if (own) addStep(own.steps, key, wire);
    }
    this.iterations = addCounts(this.iterations, merged.iterations);
    for (const [name, counts] of Object.entries(merged.flows ?? {})) {
      const key = this.caps.flow.fold(name);
      this.flows.set(key, addCounts(this.flows.get(key), iterationsOf(counts)));
    }
    for (const [label, wire] of Object.entries(merged.requests ?? {})) {
      const key = this.caps.label.fold(label);
      this.addRequests(key, wire);
      if (own) {
        const window = mapEntry(own.requests, key, () => ({ ttfb: new DistributionAccumulator(), duration: new DistributionAccumulator() }));
        if (wire.ttfb) window.ttfb.addWire(wire.ttfb);
        if (wire.total) window.duration.addWire(wire.total);
      }
    }
    for (const [step, wire] of Object.entries(merged.pageViews ?? {})) {
      const key = this.caps.step.fold(step);
      this.addVitals(key, wire);
      if (own) {
        const window = mapEntry(own.vitals, key, () => new Map<Vital, DistributionAccumulator>());
        for (const vital of VITALS) {
          const value = wire[vital];
          if (value) mapEntry(window, vital, () => new DistributionAccumulator()).addWire(value);
        }
      }
    }
  }

  /** The folded key of a step, its run-so-far entry made when first seen. */
  private stepSeries(name: string): string {
    const key = this.caps.step.fold(name);
    if (!this.steps.has(key)) {
      const slash = name.indexOf('/');
      const flow = key !== FOLDED_LABEL && slash > 0 && this.flowNames.has(name.slice(0, slash)) ? this.caps.flow.fold(name.slice(0, slash)) : undefined;
      this.steps.set(key, { labels: { ...this.base, step: key, ...(flow !== undefined ? { flow } : {}) }, run: new StepAccumulator() });
    }
    return key;
  }

  private addRequests(key: string, wire: RequestWindow): void {
    const totals = mapEntry(this.requests, key, () => ({ statuses: new Map(), bytes: 0, ttfb: { count: 0, sum: 0 }, duration: { count: 0, sum: 0 } }));
    for (const [status, count] of Object.entries(wire.statuses)) totals.statuses.set(status, (totals.statuses.get(status) ?? 0) + (count ?? 0));
    totals.bytes += wire.bytes;
    addSums(totals.ttfb, wire.ttfb);
    addSums(totals.duration, wire.total);
  }

  private addVitals(key: string, wire: PageViewWindow): void {
    const byVital = mapEntry(this.vitals, key, () => new Map<Vital, Sums>());
    for (const vital of VITALS) {
      const value = wire[vital];
      if (value) addSums(mapEntry(byVital, vital, () => ({ count: 0, sum: 0 })), value);
    }
  }

  private *stepPoints(window: ReadonlyMap<string, StepAccumulator>): Iterable<MetricPoint> {
    for (const [key, { labels, run }] of this.steps) {
      yield { kind: 'counter', name: 'step_attempts', help: 'Attempts of a step, failed ones included', unit: '1', labels, value: run.count };
      yield { kind: 'counter', name: 'step_failures', help: 'Attempts of a step that threw', unit: '1', labels, value: run.failed };
      const own = window.get(key);
      yield {
        kind: 'summary',
        name: 'step_duration_ms',
        help: "A step's response time, successful attempts only: this window's quantiles, count and sum since the run's start",
        unit: 'ms',
        labels,
        count: run.succeeded,
        sum: run.sumMs,
        quantiles: own && own.succeeded > 0 ? this.options.quantiles.map((quantile) => ({ quantile, value: round(own.percentile(quantile)) })) : [],
      };
      // No latency is known of a step that never succeeded: a 0 would read as a fast one.
      if (run.succeeded === 0) continue;
      for (const quantile of this.options.quantiles) {
        yield {
          kind: 'gauge',
          name: 'step_duration_run_ms',
          help: "A step's response time over the run so far (report.json's percentiles once the run ends)",
          unit: 'ms',
          labels: { ...labels, quantile: String(quantile) },
          value: round(run.percentile(quantile)),
        };
      }
    }
  }

  private *iterationPoints(): Iterable<MetricPoint> {
    const { started, completed, failed, dropped } = this.iterations;
    const counter = (name: string, help: string, labels: MetricLabels, value: number): MetricPoint => ({ kind: 'counter', name, help, unit: '1', labels, value });
    yield counter('iterations_started', 'Iterations started', this.base, started);
    yield counter('iterations_completed', 'Iterations that ran to their end', this.base, completed);
    yield counter('iterations_failed', 'Iterations that ended in an error', this.base, failed);
    if (dropped !== undefined) yield counter('iterations_dropped', 'Arrivals that found no free VU (arrival-rate runs)', this.base, dropped);
    for (const [flow, counts] of this.flows) {
      const labels = { ...this.base, flow };
      yield counter('flow_iterations_started', "Iterations of a flow started", labels, counts.started);
      yield counter('flow_iterations_completed', 'Iterations of a flow that ran to their end', labels, counts.completed);
      yield counter('flow_iterations_failed', 'Iterations of a flow that ended in an error', labels, counts.failed);
    }
  }

  private *loadPoints(merged: MergedWindow): Iterable<MetricPoint> {
    const gauge = (name: string, help: string, value: number): MetricPoint => ({ kind: 'gauge', name, help, unit: '1', labels: this.base, value });
    yield gauge('vus', 'VUs running an iteration: the most at once in the window, over every agent', merged.vus.max);
    if (merged.vus.allocated !== undefined) yield gauge('vus_allocated', 'VUs kept, busy or free (arrival-rate runs)', merged.vus.allocated);
    yield gauge('agents', "Agents whose window is in the window's numbers", merged.agents);
    yield gauge('saturated_agents', 'Agents whose host was out of CPU or whose event loop lagged: their numbers are distorted', merged.saturatedAgents);
  }

  private *requestPoints(window: ReadonlyMap<string, { ttfb: DistributionAccumulator; duration: DistributionAccumulator }>): Iterable<MetricPoint> {
    for (const [label, totals] of this.requests) {
      const labels = { ...this.base, label };
      for (const [statusClass, value] of totals.statuses) {
        yield { kind: 'counter', name: 'requests', help: 'Requests the browsers made, by URL label and status class', unit: '1', labels: { ...labels, status_class: statusClass }, value };
      }
      yield { kind: 'counter', name: 'request_bytes', help: 'Bytes on the wire, headers and body; 0 for cached responses', unit: 'By', labels, value: totals.bytes };
      const own = window.get(label);
      yield this.summary('request_ttfb_ms', 'Request sent to the first byte of its response', 'ms', labels, totals.ttfb, own?.ttfb, this.options.quantiles);
      yield this.summary('request_duration_ms', 'Start of the fetch to its last byte', 'ms', labels, totals.duration, own?.duration, this.options.quantiles);
    }
  }

  private *vitalPoints(window: ReadonlyMap<string, ReadonlyMap<Vital, DistributionAccumulator>>): Iterable<MetricPoint> {
    for (const [step, byVital] of this.vitals) {
      for (const [vital, totals] of byVital) {
        const help = 'Web Vitals of the page views that began in a step: ms, but CLS, which has no unit';
        yield this.summary('web_vital', help, vital === 'CLS' ? '1' : 'ms', { ...this.base, vital, step }, totals, window.get(step)?.get(vital), this.vitalQuantiles);
      }
    }
  }

  /** Each agent's own sample; agents past the cap go into "other" as the worst of them, since a sum of percentages means nothing. */
  private *agentPoints(byAgent: CompletedWindow['byAgent']): Iterable<MetricPoint> {
    const hosts = new Map(this.run.agents.map((agent) => [agent.id, agent.host]));
    const samples = new Map<string, { host: string; resources: ResourceSample }>();
    for (const { agentId, body } of byAgent) {
      const key = this.caps.agent.fold(agentId);
      const before = samples.get(key);
      samples.set(key, {
        host: key === FOLDED_LABEL ? FOLDED_LABEL : (hosts.get(agentId) ?? agentId),
        resources: before ? worstOf(before.resources, body.resources) : body.resources,
      });
    }
    for (const [agent, { host, resources }] of samples) {
      const labels = { ...this.base, agent, host };
      const gauge = (name: string, help: string, unit: string, value: number): MetricPoint => ({ kind: 'gauge', name, help, unit, labels, value });
      yield gauge('agent_cpu_percent', "The agent's host CPU use over the window", '%', resources.hostCpuPct);
      yield gauge('agent_process_cpu_percent', "The agent's Node process CPU, % of one core", '%', resources.agentCpuPct);
      yield gauge('agent_rss_mb', "The agent process's resident memory", 'MBy', resources.agentRssMb);
      yield gauge('agent_host_memory_used_percent', "Memory in use on the agent's host", '%', resources.hostMemUsedPct);
      yield gauge('agent_event_loop_lag_ms', "p99 event-loop delay of the agent over the window", 'ms', resources.loopLagMs);
    }
  }

  private summary(name: string, help: string, unit: string, labels: MetricLabels, totals: Sums, own: DistributionAccumulator | undefined, quantiles: readonly number[]): MetricPoint {
    return {
      kind: 'summary',
      name,
      help,
      unit,
      labels,
      count: totals.count,
      sum: totals.sum,
      quantiles: own && own.count > 0 ? quantiles.map((quantile) => ({ quantile, value: round(own.quantile(quantile)) })) : [],
    };
  }
}

function addStep(table: Map<string, StepAccumulator>, key: string, wire: StepWindow): void {
  mapEntry(table, key, () => new StepAccumulator()).addWindow(wire);
}

function addSums(sums: Sums, wire: Distribution | undefined): void {
  if (!wire) return;
  sums.count += wire.count;
  sums.sum += wire.sum;
}

function iterationsOf({ started, completed, failed, dropped }: FlowWindow): IterationCounts {
  return dropped !== undefined ? { started, completed, failed, dropped } : { started, completed, failed };
}

function worstOf(a: ResourceSample, b: ResourceSample): ResourceSample {
  return {
    hostCpuPct: Math.max(a.hostCpuPct, b.hostCpuPct),
    agentCpuPct: Math.max(a.agentCpuPct, b.agentCpuPct),
    agentRssMb: Math.max(a.agentRssMb, b.agentRssMb),
    hostMemUsedPct: Math.max(a.hostMemUsedPct, b.hostMemUsedPct),
    loopLagMs: Math.max(a.loopLagMs, b.loopLagMs),
  };
}

function mapEntry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
