// The report of a run as the store holds it: what the end of a run writes,
// and what `squall report` renders again later.
import type { Report } from '../../src/protocol/report.js';
import type { AgentRecord, RunStatus } from '../../src/protocol/store.js';
import { maxOf } from '../../src/max-of.js';
import { InputError } from '../../src/errors.js';
import type { RunStore } from '../store/store.js';
import { mergeByInterval } from '../../src/metrics/merge.js';
import { localProbe, runStatusNow, type LivenessProbe } from '../store/liveness.js';
import { buildReport } from './build.js';
import { evidenceImages } from './browser-metrics.js';

/** The run's failed-step screenshots, by the file name its report gives them. */
export function attachmentsFromStore(store: RunStore, runId: string): Map<string, Buffer> {
  return evidenceImages(store.evidence.list(runId));
}

export function reportFromStore(store: RunStore, runId: string, probe: LivenessProbe = localProbe()): Report {
  const stored = store.getRun(runId);
  if (!stored) throw new InputError(`no run "${runId}" in the store (squall runs lists them)`);
  const agentWindows = store.agentWindows(runId);
  const common = { agents: store.agents(runId), agentWindows, thresholds: stored.config.thresholds, evidence: store.evidence.list(runId) };
  if (runStatusNow(stored, probe) !== 'interrupted') return buildReport({ ...common, run: stored, windows: store.mergedWindows(runId) });
  // Its controller died before merging the series and writing the end: both come from the raw windows.
  const lastWindowEnd = Math.max(0, maxOf(agentWindows.map((w) => w.body.windowStart + w.body.windowMs)));
  const endedAt = Math.max(stored.heartbeatAt ?? stored.startedAt, Math.min(lastWindowEnd, probe.now));
  return buildReport({ ...common, run: { ...stored, status: 'interrupted', endedAt }, windows: mergeByInterval(agentWindows.map((w) => w.body)), partial: true });
}

/**
 * The report of what the store holds, merged in memory, for a run whose end
 * could not be written to it (a full disk): `run` says how it ended.
 */
export function reportOfStoredWindows(store: RunStore, runId: string, ended: { status: RunStatus; endedAt: number; agents: readonly AgentRecord[] }): Report {
  const stored = store.getRun(runId);
  if (!stored) throw new InputError(`no run "${runId}" in the store (squall runs lists them)`);
  const agentWindows = store.agentWindows(runId);
  // The controller knows its agents better than a store that missed their last changes.
  const known = new Map(store.agents(runId).map((agent) => [agent.agentId, agent]));
  for (const agent of ended.agents) known.set(agent.agentId, agent);
  return buildReport({
    agents: [...known.values()],
    agentWindows,
    thresholds: stored.config.thresholds,
    evidence: store.evidence.list(runId),
    run: { ...stored, status: ended.status, endedAt: ended.endedAt },
    windows: mergeByInterval(agentWindows.map((w) => w.body)),
    partial: true,
  });
}
