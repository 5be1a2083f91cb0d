// The windows a report is built from, however long the run. Raw windows are
// read one at a time and folded into at most MAX_SERIES_POINTS spans
// (src/metrics/coarsen.ts); a long run's end does that once, in the same pass
// that merges its series, and keeps the spans, so `squall report` of a week
// of windows from ten agents reads a few thousand rows, not three million.
import { AgentTally, MAX_SERIES_POINTS, SpanFolder, agentSpan, mergedSpan, spanFactor } from '../../src/metrics/coarsen.js';
import { mergeAgentWindows } from '../../src/metrics/merge.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { RunRecord } from '../../src/protocol/store.js';
import type { RunStore } from './store.js';

/** Intervals merged per read: bounds the windows in memory at once to this many times the agents. */
const SLICE_INTERVALS = 2000;
const MERGED = '';

export interface ReportWindows {
  windows: MergedWindow[];
  agentWindows: Array<{ agentId: string; body: WindowBody }>;
  agentTallies: Map<string, AgentTally>;
}

/**
 * The run's end: the merged series rebuilt from the raw windows, a slice of
 * intervals at a time; for a run longer than MAX_SERIES_POINTS windows, its
 * spans and each agent's tally kept too.
 */
export function finishSeries(store: RunStore, run: Pick<RunRecord, 'id' | 'windowMs'>, { sliceIntervals = SLICE_INTERVALS, maxPoints = MAX_SERIES_POINTS } = {}): void {
  store.clearDerived(run.id);
  const range = store.windowRange(run.id);
  if (!range) return;
  const factor = factorOf(range, maxPoints);
  const long = factor > 1;
  const spans = new Map<string, Array<{ windowStart: number }>>([[MERGED, []]]);
  const keep = (owner: string) => (span: { windowStart: number }) => spans.get(owner)!.push(span);
  const mergedFolder = new SpanFolder<MergedWindow>(range.first, run.windowMs, factor, mergedSpan, keep(MERGED));
  const agents = new Map(range.agents.map((agentId) => {
    spans.set(agentId, []);
    return [agentId, { tally: new AgentTally(), folder: new SpanFolder<WindowBody>(range.first, run.windowMs, factor, agentSpan, keep(agentId)) }];
  }));
  for (const slice of slicesOf(store, run, range, sliceIntervals)) {
    const merged = slice.map((interval) => {
      if (long) {
        for (const { agentId, body } of interval) {
          const agent = agents.get(agentId)!;
          agent.tally.add(body);
          agent.folder.add(body);
        }
      }
      return mergeAgentWindows(interval.map((w) => w.body));
    });
    store.saveMerged(run.id, merged);
    if (long) merged.forEach((window) => mergedFolder.add(window));
    for (const [owner, list] of spans) store.saveSpans(run.id, owner, list.splice(0));
  }
  if (!long) return;
  mergedFolder.flush();
  for (const { folder } of agents.values()) folder.flush();
  for (const [owner, list] of spans) store.saveSpans(run.id, owner, list.splice(0));
  store.saveRollup(run.id, { factor, windows: range.windows, tallies: Object.fromEntries([...agents].map(([agentId, { tally }]) => [agentId, { ...tally }])) });
}

/**
 * The windows of a report: a long run's kept spans when they cover every
 * window stored, else the merged series (`series`: as stored at the run's
 * end, or merged again from the raw windows) and every agent's windows,
 * read one at a time and folded into spans here.
 */
export function reportWindows(store: RunStore, run: RunRecord, series: 'merged series' | 'raw windows', maxPoints = MAX_SERIES_POINTS): ReportWindows {
  const result: ReportWindows = { windows: [], agentWindows: [], agentTallies: new Map() };
  const range = store.windowRange(run.id);
  if (!range) return result;
  if (series === 'merged series') {
    const kept = keptSpans(store, run, range.windows);
    if (kept) return kept;
  }
  const factor = factorOf(range, maxPoints);
  const merged = new SpanFolder<MergedWindow>(range.first, run.windowMs, factor, mergedSpan, (window) => result.windows.push(window));
  if (series === 'merged series') store.eachMergedWindow(run.id, (window) => merged.add(window));
  else {
    for (const slice of slicesOf(store, run, range, SLICE_INTERVALS)) {
      for (const interval of slice) merged.add(mergeAgentWindows(interval.map((w) => w.body)));
    }
  }
  merged.flush();
  for (const agentId of range.agents) {
    const tally = new AgentTally();
    result.agentTallies.set(agentId, tally);
    const folder = new SpanFolder<WindowBody>(range.first, run.windowMs, factor, agentSpan, (body) => result.agentWindows.push({ agentId, body }));
    store.eachWindowOf(run.id, agentId, (body) => {
      tally.add(body);
      folder.add(body);
    });
    folder.flush();
  }
  return result;
}

function keptSpans(store: RunStore, run: RunRecord, storedWindows: number): ReportWindows | undefined {
  const rollup = store.rollup(run.id);
  // A window stored after the run's end (a late resend) makes the spans stale: read the windows instead.
  if (!rollup || rollup.windows !== storedWindows) return undefined;
  const result: ReportWindows = { windows: [], agentWindows: [], agentTallies: new Map() };
  store.eachSpan(run.id, MERGED, (span) => result.windows.push(span as MergedWindow));
  for (const [agentId, fields] of Object.entries(rollup.tallies as Record<string, Partial<AgentTally>>)) {
    result.agentTallies.set(agentId, Object.assign(new AgentTally(), fields));
    store.eachSpan(run.id, agentId, (span) => result.agentWindows.push({ agentId, body: span as WindowBody }));
  }
  return result;
}

type WindowRange = NonNullable<ReturnType<RunStore['windowRange']>>;

/** Span length in windows: from how many windows the agents sent (the most of any agent stands for the intervals), not from the time they span. */
function factorOf(range: WindowRange, maxPoints: number): number {
  return spanFactor(range.mostOfOneAgent, maxPoints, range.agents.length);
}

/**
 * Every agent's raw windows by interval, a slice of `sliceIntervals`
 * intervals at a time, in order. From one stored window to the next slice
 * that has any: a gap of a year costs one query, not a loop through it.
 */
function* slicesOf(store: RunStore, run: Pick<RunRecord, 'id' | 'windowMs'>, range: WindowRange, sliceIntervals: number) {
  const sliceMs = run.windowMs * sliceIntervals;
  for (let from: number | undefined = range.first; from !== undefined; from = store.nextWindowStart(run.id, range.agents, from + sliceMs)) {
    yield store.windowsBetween(run.id, range.agents, from, from + sliceMs);
  }
}
