// The report of a run as the store holds it: what the end of a run writes,
// and what `squall report` renders again later. A long run's windows come
// folded into spans (controller/store/rollups.ts): a week of windows from ten
// agents never sits in memory.
import type { Report } from '../../src/protocol/report.js';
import type { AgentRecord, RunRecord, RunStatus, StopCause } from '../../src/protocol/store.js';
import { InputError } from '../../src/errors.js';
import type { RunStore } from '../store/store.js';
import { reportWindows } from '../store/rollups.js';
import { localProbe, runStatusNow, type LivenessProbe } from '../store/liveness.js';
import { buildReport } from './build.js';
import { evidenceImages } from './browser-metrics.js';

/** The run's failed-step screenshots, by the file name its report gives them. */
export function attachmentsFromStore(store: RunStore, runId: string): Map<string, Buffer> {
  return evidenceImages(store.evidence.list(runId));
}

export function reportFromStore(store: RunStore, runId: string, probe: LivenessProbe = localProbe()): Report {
  const stored = storedRun(store, runId);
  if (runStatusNow(stored, probe) !== 'interrupted') return reportOf(store, stored, 'merged series');
  // Its controller died before merging the series and writing the end: both come from the raw windows.
  const windows = reportWindows(store, stored, 'raw windows');
  const lastWindowEnd = Math.max(0, ...[...windows.agentTallies.values()].map((tally) => tally.lastEnd ?? 0));
  const endedAt = Math.max(stored.heartbeatAt ?? stored.startedAt, Math.min(lastWindowEnd, probe.now));
  return buildReport({ ...windows, ...common(store, stored), run: { ...stored, status: 'interrupted', endedAt }, partial: true });
}

/**
 * The report of what the store holds, merged from the raw windows, for a run
 * whose end could not be written to it (a full disk): `ended` says how it
 * ended, and its agents as the controller knew them.
 */
export function reportOfStoredWindows(
  store: RunStore,
  runId: string,
  ended: { status: RunStatus; endedAt: number; agents: readonly AgentRecord[]; startedAt?: number; stoppedBy?: StopCause },
): Report {
  const stored = storedRun(store, runId);
  // The controller knows its agents better than a store that missed their last changes.
  const known = new Map(store.agents(runId).map((agent) => [agent.agentId, agent]));
  for (const agent of ended.agents) known.set(agent.agentId, agent);
  return buildReport({
    ...reportWindows(store, stored, 'raw windows'),
    ...common(store, stored),
    agents: [...known.values()],
    run: { ...stored, status: ended.status, endedAt: ended.endedAt, startedAt: ended.startedAt ?? stored.startedAt, ...(ended.stoppedBy ? { stoppedBy: ended.stoppedBy } : {}) },
    partial: true,
  });
}

function storedRun(store: RunStore, runId: string): RunRecord {
  const stored = store.getRun(runId);
  if (!stored) throw new InputError(`no run "${runId}" in the store (squall runs lists them)`);
  return stored;
}

function reportOf(store: RunStore, run: RunRecord, series: 'merged series' | 'raw windows'): Report {
  return buildReport({ ...reportWindows(store, run, series), ...common(store, run), run });
}

function common(store: RunStore, run: RunRecord) {
  return { agents: store.agents(run.id), thresholds: run.config.thresholds, evidence: store.evidence.list(run.id) };
}
