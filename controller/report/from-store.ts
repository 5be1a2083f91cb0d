// The report of a run as the store holds it: what the end of a run writes,
// and what `squall report` renders again later. Windows are read one at a
// time and a long run's folded into spans (src/metrics/coarsen.ts): a week of
// windows from ten agents never sits in memory.
import type { WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { Report } from '../../src/protocol/report.js';
import type { AgentRecord, RunRecord, RunStatus } from '../../src/protocol/store.js';
import { InputError } from '../../src/errors.js';
import { AgentTally, SpanFolder, agentSpan, mergedSpan, spanFactor } from '../../src/metrics/coarsen.js';
import type { RunStore } from '../store/store.js';
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
  const windows = readWindows(store, stored, 'raw windows');
  const lastWindowEnd = Math.max(0, ...[...windows.agentTallies.values()].map((tally) => tally.lastEnd ?? 0));
  const endedAt = Math.max(stored.heartbeatAt ?? stored.startedAt, Math.min(lastWindowEnd, probe.now));
  return buildReport({ ...windows, ...common(store, stored), run: { ...stored, status: 'interrupted', endedAt }, partial: true });
}

/**
 * The report of what the store holds, merged from the raw windows, for a run
 * whose end could not be written to it (a full disk): `ended` says how it
 * ended, and its agents as the controller knew them.
 */
export function reportOfStoredWindows(store: RunStore, runId: string, ended: { status: RunStatus; endedAt: number; agents: readonly AgentRecord[] }): Report {
  const stored = storedRun(store, runId);
  // The controller knows its agents better than a store that missed their last changes.
  const known = new Map(store.agents(runId).map((agent) => [agent.agentId, agent]));
  for (const agent of ended.agents) known.set(agent.agentId, agent);
  return buildReport({
    ...readWindows(store, stored, 'raw windows'),
    ...common(store, stored),
    agents: [...known.values()],
    run: { ...stored, status: ended.status, endedAt: ended.endedAt },
    partial: true,
  });
}

function storedRun(store: RunStore, runId: string): RunRecord {
  const stored = store.getRun(runId);
  if (!stored) throw new InputError(`no run "${runId}" in the store (squall runs lists them)`);
  return stored;
}

function reportOf(store: RunStore, run: RunRecord, series: 'merged series' | 'raw windows'): Report {
  return buildReport({ ...readWindows(store, run, series), ...common(store, run), run });
}

function common(store: RunStore, run: RunRecord) {
  return { agents: store.agents(run.id), thresholds: run.config.thresholds, evidence: store.evidence.list(run.id) };
}

/**
 * The run's merged series (as stored at its end, or merged again from the raw
 * windows) and each agent's windows, one window at a time, folded into at
 * most MAX_SERIES_POINTS spans each; each agent's count and extremes tallied
 * from every window.
 */
function readWindows(store: RunStore, run: RunRecord, series: 'merged series' | 'raw windows') {
  const windows: MergedWindow[] = [];
  const agentWindows: Array<{ agentId: string; body: WindowBody }> = [];
  const agentTallies = new Map<string, AgentTally>();
  const range = store.windowRange(run.id);
  if (!range) return { windows, agentWindows, agentTallies };
  const factor = spanFactor(Math.floor((range.last - range.first) / run.windowMs) + 1);
  const merged = new SpanFolder<MergedWindow>(range.first, run.windowMs, factor, mergedSpan, (window) => windows.push(window));
  if (series === 'merged series') store.eachMergedWindow(run.id, (window) => merged.add(window));
  else store.eachMergedSlice(run.id, 2000, (slice) => slice.forEach((window) => merged.add(window)));
  merged.flush();
  for (const agentId of range.agents) {
    const tally = new AgentTally();
    agentTallies.set(agentId, tally);
    const folder = new SpanFolder<WindowBody>(range.first, run.windowMs, factor, agentSpan, (body) => agentWindows.push({ agentId, body }));
    store.eachWindowOf(run.id, agentId, (body) => {
      tally.add(body);
      folder.add(body);
    });
    folder.flush();
  }
  return { windows, agentWindows, agentTallies };
}
