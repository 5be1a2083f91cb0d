// A dashboard snapshot of the run as the session knows it right now.
import type { Plan } from '../../src/protocol/plan.js';
import type { ThresholdSpec } from '../../src/protocol/store.js';
import type { RunTotals } from '../report/run-totals.js';
import { evaluateThresholds } from '../report/thresholds.js';
import type { RunSession } from '../run/session.js';
import type { DashboardSnapshot } from './view-model.js';

export interface RunMeta {
  runId: string;
  scenario: string;
  plan: Plan;
  t0?: number;
  stopping: boolean;
  thresholds: readonly ThresholdSpec[];
}

/**
 * Ceilings ("p95 < 800", "failed < 1%") the run is over right now. Floors
 * ("completed > 100") are left out: every run starts below them.
 */
export function crossedThresholds(totals: RunTotals, thresholds: readonly ThresholdSpec[], elapsedMs: number): string[] {
  const ceilings = thresholds.filter((spec) => /^\s*\S+\s*<=?/.test(spec.expression));
  if (ceilings.length === 0 || totals.windows === 0) return [];
  return evaluateThresholds(ceilings, totals.observations(elapsedMs))
    .filter((result) => !result.passed && result.actual !== undefined)
    .map((result) => `threshold crossed: ${result.target}: ${result.expression} (${result.detail.replace(/, not .*$/, '')})`);
}

export function snapshotOf(session: RunSession, meta: RunMeta, now = Date.now()): DashboardSnapshot {
  const windows = session.series.all();
  return {
    runId: meta.runId,
    scenario: meta.scenario,
    ...(meta.t0 !== undefined ? { t0: meta.t0 } : {}),
    now,
    plan: meta.plan,
    windows,
    agents: [...session.agents.values()].map((agent) => ({
      id: agent.id,
      host: agent.host,
      status: agent.status,
      activeVus: agent.activeVus,
      plannedVus: agent.plannedVus,
      cpuHistory: agent.cpuHistory,
      saturated: agent.saturated,
      ...(agent.rssMb !== undefined ? { rssMb: agent.rssMb } : {}),
      ...(agent.hostMemUsedPct !== undefined ? { hostMemUsedPct: agent.hostMemUsedPct } : {}),
      ...(agent.lastWindowAt !== undefined ? { lastReportAt: agent.lastWindowAt } : {}),
      ...(agent.reconnects > 0 ? { reconnects: agent.reconnects } : {}),
    })),
    events: [...session.eventLog, ...crossedThresholds(session.series.totals, meta.thresholds, meta.t0 === undefined ? 0 : now - meta.t0)],
    stopping: meta.stopping,
  };
}
