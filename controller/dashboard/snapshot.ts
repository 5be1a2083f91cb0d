// A dashboard snapshot of the run as the session knows it right now.
import type { Plan } from '../../src/protocol/plan.js';
import type { RunSession } from '../run-session.js';
import type { DashboardSnapshot } from './view-model.js';

export interface RunMeta {
  runId: string;
  scenario: string;
  plan: Plan;
  t0?: number;
  stopping: boolean;
}

export function snapshotOf(session: RunSession, meta: RunMeta, now = Date.now()): DashboardSnapshot {
  return {
    runId: meta.runId,
    scenario: meta.scenario,
    ...(meta.t0 !== undefined ? { t0: meta.t0 } : {}),
    now,
    plan: meta.plan,
    windows: session.live.starts().map((start) => session.live.get(start)!),
    agents: [...session.agents.values()].map((agent) => ({
      id: agent.id,
      host: agent.host,
      status: agent.status,
      activeVus: agent.activeVus,
      plannedVus: agent.plannedVus,
      cpuHistory: agent.cpuHistory,
      ...(agent.rssMb !== undefined ? { rssMb: agent.rssMb } : {}),
      ...(agent.hostMemUsedPct !== undefined ? { hostMemUsedPct: agent.hostMemUsedPct } : {}),
      ...(agent.lastWindowAt !== undefined ? { lastReportAt: agent.lastWindowAt } : {}),
    })),
    events: [...session.eventLog],
    stopping: meta.stopping,
  };
}
