// Builds report.json from what the store holds: pure, so a report re-rendered
// later from the store equals the one written at the end of the run.
import { planDurationMs } from '../../src/load/stages.js';
import { arrivalLoadsOf, flowsOfPlan, isArrivalPlan, isFlowLoadsPlan, loadsOf, type Plan } from '../../src/protocol/plan.js';
import { arrivalSection, flowLoadArrivals, targetRateOver } from './arrival.js';
import { flowsSection, flowTotals } from './flows.js';
import { round } from './numbers.js';
import { addCounts, StepTable } from '../../src/metrics/merge.js';
import { ErrorTallyBuilder, StepAccumulator } from '../../src/metrics/step-stats.js';
import type { ErrorTally, WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import { REPORT_SCHEMA, type Report, type ReportAgent, type ReportData } from '../../src/protocol/report.js';
import type { AgentRecord, FeederAccount, RunRecord } from '../../src/protocol/store.js';
import { fileOfFeeder } from '../../src/scenario/feeder.js';
import type { StoredEvidence } from '../store/evidence.js';
import { browserSections, browserTotals, type BrowserTotals, evidenceEntries, seriesBrowserFields } from './browser-metrics.js';
import { evaluateThresholds, type Observations, type ThresholdSpec } from './thresholds.js';
import { maxOf } from '../../src/max-of.js';
import { AgentTally } from '../../src/metrics/coarsen.js';
import { RunTotals } from './run-totals.js';

export interface ReportInput {
  run: RunRecord;
  agents: readonly AgentRecord[];
  windows: readonly MergedWindow[];
  /** every agent's raw windows (or spans of them, for a long run), for the per-host breakdown */
  agentWindows: ReadonlyArray<{ agentId: string; body: WindowBody }>;
  /** each agent's window count and extremes when agentWindows are spans; otherwise counted from them */
  agentTallies?: ReadonlyMap<string, AgentTally>;
  thresholds: readonly ThresholdSpec[];
  /** the run's controller stopped before its end, or the store refused some of its windows */
  partial?: boolean;
  /** failed steps' evidence, as the store keeps it */
  evidence?: readonly StoredEvidence[];
}

function errorList(tally: ErrorTally): Report['steps'][number]['errors'] {
  return Object.entries(tally)
    .map(([errorClass, { count, sample }]) => ({ errorClass, count, sample }))
    .sort((a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass));
}

/** count, failed and the latency percentiles the report shows for a span. */
export function latencyOf(acc: StepAccumulator): Report['series'][number]['steps'][string] {
  return {
    count: acc.count,
    failed: acc.failed,
    p50: round(acc.percentile(0.5)),
    p90: round(acc.percentile(0.9)),
    p95: round(acc.percentile(0.95)),
    p99: round(acc.percentile(0.99)),
    max: round(acc.succeeded > 0 ? acc.maxMs : 0),
  };
}

type IterationCounts = WindowBody['iterations'];

/** `dropped` only when some window counted drops (an arrival-rate run). */
function sumIterations(list: ReadonlyArray<{ iterations: IterationCounts }>): IterationCounts {
  return list.reduce<IterationCounts>((total, { iterations }) => addCounts(total, iterations), { started: 0, completed: 0, failed: 0 });
}

/**
 * What a lost agent never delivered. Its bye (when it sent one) says how many
 * windows it sent; without one the windows are counted from its last window
 * to when it was lost, or to its plan's end (with the graceful stop) if that
 * came first. Every iteration under way at its last window's end (at most one
 * per VU) and every one started after it may have steps missing: at most
 * its peak VUs times the most iterations one VU started in any window, per
 * undelivered window. With no window at all there is no rate to go by, and
 * no bound.
 */
export function lossOf(agent: AgentRecord, bodies: readonly WindowBody[], windowMs: number, runStartedAt: number, plannedEnd = Infinity): ReportAgent['loss'] {
  return lossOfTally(agent, tallyOf(bodies), windowMs, runStartedAt, plannedEnd);
}

function tallyOf(bodies: readonly WindowBody[]): AgentTally {
  const tally = new AgentTally();
  for (const body of bodies) tally.add(body);
  return tally;
}

function lossOfTally(agent: AgentRecord, tally: AgentTally, windowMs: number, runStartedAt: number, plannedEnd: number): ReportAgent['loss'] {
  const { lastEnd } = tally;
  const exact = agent.expectedWindows !== undefined;
  const until = Math.min(agent.lostAt ?? 0, plannedEnd);
  const estimated = agent.lostAt !== undefined ? Math.max(0, Math.ceil((until - (lastEnd ?? runStartedAt)) / windowMs)) : 0;
  const undeliveredWindows = exact ? Math.max(0, agent.expectedWindows! - tally.windows) : estimated;
  const perVu = tally.perVuMax;
  const bound = undeliveredWindows === 0 ? 0 : tally.windows === 0 ? undefined : agent.plannedVus + Math.ceil(agent.plannedVus * perVu) * undeliveredWindows;
  return {
    ...(lastEnd !== undefined ? { lastWindowEnd: new Date(lastEnd).toISOString() } : {}),
    undeliveredWindows,
    exact,
    ...(bound !== undefined ? { iterationsAtMost: bound } : {}),
  };
}

/** `bodies` may be spans of several windows (a long run's, src/metrics/coarsen.ts): counts and maxima come from `tally`. */
function agentBreakdown(agent: AgentRecord, bodies: readonly WindowBody[], run: RunRecord, tally: AgentTally): ReportAgent {
  const steps = new StepTable();
  for (const body of bodies) steps.add(body.steps);
  return {
    id: agent.agentId,
    host: agent.host,
    vus: agent.plannedVus,
    windows: tally.windows,
    saturatedWindows: tally.saturatedWindows,
    trimmedWindows: tally.trimmedWindows,
    status: agent.status,
    ...(agent.lostAt !== undefined ? { lostAt: new Date(agent.lostAt).toISOString() } : {}),
    ...(agent.error !== undefined ? { error: agent.error } : {}),
    reconnects: agent.reconnects,
    ...(agent.longestGapMs !== undefined ? { longestGapMs: agent.longestGapMs } : {}),
    ...(agent.status === 'lost' ? { loss: lossOfTally(agent, tally, run.windowMs, run.startedAt, run.startedAt + planDurationMs(run.plan) + run.plan.gracefulStopMs) } : {}),
    steps: [...steps.steps].map(([name, acc]) => ({ name, ...latencyOf(acc) })),
    iterations: sumIterations(bodies),
    ...(bodies.length > 0
      ? {
          resources: {
            cpuMeanPct: round(tally.cpuSum / Math.max(1, tally.windows)),
            cpuMaxPct: round(tally.cpuMax),
            agentRssMaxMb: round(maxOf(bodies.map((b) => b.resources.agentRssMb))),
            loopLagMaxMs: round(maxOf(bodies.map((b) => b.resources.loopLagMs))),
          },
        }
      : {}),
  };
}

/** What thresholds are checked against: the merged numbers of these windows. */
export function observationsOf(
  windows: readonly MergedWindow[],
  durationMs: number,
  scheduleMs?: number,
  flowScheduleMs?: ReadonlyMap<string, number>,
): Observations & { totals: StepTable; browser: BrowserTotals } {
  const totals = new RunTotals();
  for (const window of windows) totals.add(window);
  return totals.observations(durationMs, scheduleMs, flowScheduleMs);
}

/** The schedule of each flow an arrival-rate load runs, in a run whose flows have loads of their own. */
function flowSchedules(plan: Plan): Map<string, number> {
  return new Map(arrivalLoadsOf(plan).flatMap((load) => load.flows.map((flow) => [flow.name, planDurationMs(load)] as const)));
}

export function buildReport({ run, agents, windows, agentWindows, agentTallies, thresholds, partial = false, evidence = [] }: ReportInput): Report {
  const ordered = [...windows].sort((a, b) => a.windowStart - b.windowStart);
  const durationMs = Math.max(0, (run.endedAt ?? Date.now()) - run.startedAt);
  const arrivalPlan = isArrivalPlan(run.plan) ? run.plan : undefined;
  const flowLoads = isFlowLoadsPlan(run.plan) ? run.plan : undefined;
  const everyLoadArrives = loadsOf(run.plan).every(isArrivalPlan);
  const observations = observationsOf(ordered, durationMs, everyLoadArrives ? planDurationMs(run.plan) : undefined, flowSchedules(run.plan));
  const { totals, iterations } = observations;
  const iterationErrors = new ErrorTallyBuilder();
  for (const window of ordered) iterationErrors.addAll(window.iterationErrors);
  const seconds = Math.max(durationMs / 1000, 0.001);
  const steps = [...totals.steps].map(([name, acc]) => {
    const summary = acc.summary();
    return {
      name,
      ...latencyOf(acc),
      min: round(summary.min),
      mean: round(summary.mean),
      throughput: round(summary.count / seconds),
      errors: errorList(acc.errors.toWire()),
    };
  });
  const outsideSteps = errorList(iterationErrors.toWire());
  const byAgent = new Map<string, WindowBody[]>();
  for (const { agentId, body } of agentWindows) {
    const list = byAgent.get(agentId) ?? [];
    list.push(body);
    byAgent.set(agentId, list);
  }
  return {
    schema: REPORT_SCHEMA,
    run: {
      id: run.id,
      scenario: run.scenario,
      startedAt: new Date(run.startedAt).toISOString(),
      ...(run.endedAt !== undefined ? { endedAt: new Date(run.endedAt).toISOString() } : {}),
      durationMs,
      status: run.status,
      windowMs: run.windowMs,
      partial,
      ...(run.stoppedBy ? { stoppedBy: run.stoppedBy } : {}),
    },
    steps,
    iterations: { ...iterations, errors: outsideSteps },
    ...(arrivalPlan ? { arrival: arrivalSection({ plan: arrivalPlan, windows: ordered, byAgent, agents }) } : {}),
    ...(flowLoads ? { arrivals: flowLoadArrivals(flowLoads, { windows: ordered, byAgent, agents }) } : {}),
    ...(flowsOfPlan(run.plan) ? { flows: flowsSection(run.plan, ordered) } : {}),
    vus: { max: Math.max(0, maxOf(ordered.map((w) => w.vus.max))) },
    errors: [...steps.flatMap((s) => s.errors.map((e) => ({ ...e, step: s.name }))), ...outsideSteps].sort(
      (a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass),
    ),
    thresholds: evaluateThresholds(thresholds, observations),
    series: ordered.map((window) => ({
      t: window.windowStart - run.startedAt,
      windowStart: window.windowStart,
      windowMs: window.windowMs,
      vus: window.vus.max,
      iterations: { ...window.iterations },
      ...(window.vus.allocated !== undefined ? { allocatedVus: window.vus.allocated } : {}),
      ...(arrivalPlan ? { targetRate: targetRateOver(arrivalPlan, run.startedAt, window.windowStart, window.windowMs) } : {}),
      ...(window.flows ? { flows: window.flows } : {}),
      steps: Object.fromEntries(Object.entries(window.steps).map(([name, stats]) => [name, latencyOf(StepAccumulator.of(stats))])),
      saturatedAgents: window.saturatedAgents,
      ...seriesBrowserFields(window),
    })),
    agents: agents.map((agent) => {
      const bodies = byAgent.get(agent.agentId) ?? [];
      return agentBreakdown(agent, bodies, run, agentTallies?.get(agent.agentId) ?? tallyOf(bodies));
    }),
    ...browserSections(observations.browser),
    evidence: evidenceEntries(evidence),
    ...(run.data && run.data.length > 0 ? { data: run.data.map((account) => dataEntry(account, run.startedAt)) } : {}),
  };
}

function dataEntry(account: FeederAccount, startedAt: number): ReportData {
  const { ranOutAt, ...counts } = account;
  return { file: fileOfFeeder(account.feeder), ...counts, ...(ranOutAt !== undefined ? { ranOutAtMs: Math.max(0, ranOutAt - startedAt) } : {}) };
}
