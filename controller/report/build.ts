// Builds report.json from what the store holds: pure, so a report re-rendered
// later from the store equals the one written at the end of the run.
import { StepTable } from '../../src/metrics/merge.js';
import { StepAccumulator, ErrorTallyBuilder } from '../../src/metrics/step-stats.js';
import type { ErrorTally } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import { REPORT_SCHEMA, type Report } from '../../src/protocol/report.js';
import type { AgentRecord, RunRecord } from '../../src/protocol/store.js';

export interface ReportInput {
  run: RunRecord;
  agents: readonly AgentRecord[];
  windows: readonly MergedWindow[];
  windowCounts: ReadonlyMap<string, number>;
}

function errorList(tally: ErrorTally): Report['steps'][number]['errors'] {
  return Object.entries(tally)
    .map(([errorClass, { count, sample }]) => ({ errorClass, count, sample }))
    .sort((a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function buildReport({ run, agents, windows, windowCounts }: ReportInput): Report {
  const ordered = [...windows].sort((a, b) => a.windowStart - b.windowStart);
  const totals = new StepTable();
  const iterationErrors = new ErrorTallyBuilder();
  const iterations = { started: 0, completed: 0, failed: 0 };
  let peakVus = 0;
  for (const window of ordered) {
    totals.add(window.steps);
    iterationErrors.addAll(window.iterationErrors);
    iterations.started += window.iterations.started;
    iterations.completed += window.iterations.completed;
    iterations.failed += window.iterations.failed;
    peakVus = Math.max(peakVus, window.vus.max);
  }
  const durationMs = Math.max(0, (run.endedAt ?? Date.now()) - run.startedAt);
  const seconds = Math.max(durationMs / 1000, 0.001);
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
    },
    steps: [...totals.steps].map(([name, acc]) => {
      const summary = acc.summary();
      return {
        name,
        count: summary.count,
        failed: summary.failed,
        min: round(summary.min),
        mean: round(summary.mean),
        p50: round(summary.p50),
        p90: round(summary.p90),
        p95: round(summary.p95),
        p99: round(summary.p99),
        max: round(summary.max),
        throughput: round(summary.count / seconds),
        errors: errorList(acc.errors.toWire()),
      };
    }),
    iterations: { ...iterations, errors: errorList(iterationErrors.toWire()) },
    vus: { max: peakVus },
    series: ordered.map((window) => ({
      t: window.windowStart - run.startedAt,
      windowStart: window.windowStart,
      windowMs: window.windowMs,
      vus: window.vus.max,
      iterations: { ...window.iterations },
      steps: Object.fromEntries(
        Object.entries(window.steps).map(([name, stats]) => {
          const acc = StepAccumulator.of(stats);
          return [name, { count: stats.count, failed: stats.failed, p50: round(acc.percentile(0.5)), p95: round(acc.percentile(0.95)) }];
        }),
      ),
    })),
    agents: agents.map((agent) => ({
      id: agent.agentId,
      host: agent.host,
      vus: agent.plannedVus,
      windows: windowCounts.get(agent.agentId) ?? 0,
      status: agent.status,
      ...(agent.lostAt !== undefined ? { lostAt: new Date(agent.lostAt).toISOString() } : {}),
      ...(agent.error !== undefined ? { error: agent.error } : {}),
    })),
  };
}
