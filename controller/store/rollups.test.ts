// A long run's end keeps its spans, and a report read from them is the one
// the raw windows give; a window stored after the end makes them stale.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import { tempStore, windowFrame } from '../../test/harness/store.js';

/** A small limit, so a run of a few hundred windows is a long one. */
const MAX_POINTS = 50;
import { buildReport } from '../report/build.js';
import { finishSeries, reportWindows } from './rollups.js';

describe('a long run in the store', () => {
  it('is reported from the spans its end kept, with the numbers its raw windows give', () => {
    const { store } = tempStore();
    const intervals = MAX_POINTS * 2 + 30;
    store.batch(() => {
      for (let i = 0; i < intervals; i += 1) {
        for (const agent of ['a1', 'a2']) {
          const body = { ...windowOf(i * 1000, 1000, [100 + ((i * 31) % 700), ...(i % 13 === 0 ? [-1] : [])]), saturated: agent === 'a2' && i % 10 === 0 };
          store.saveWindow('run-1', agent, i + 1, i * 1000, windowFrame('run-1', agent, i + 1, body), 1);
        }
      }
    });
    for (const agentId of ['a1', 'a2']) store.upsertAgent('run-1', { agentId, host: agentId, plannedVus: 1, status: 'done', reconnects: 0 });
    finishSeries(store, { id: 'run-1', windowMs: 1000 }, { sliceIntervals: 40, maxPoints: MAX_POINTS });
    const run = store.getRun('run-1')!;
    const report = (windows: ReturnType<typeof reportWindows>) => buildReport({ ...windows, run: { ...run, endedAt: intervals * 1000 }, agents: store.agents('run-1'), thresholds: [] });
    const fromSpans = reportWindows(store, run, 'merged series', MAX_POINTS);
    expect(fromSpans.windows).toHaveLength(Math.ceil(intervals / 3));
    const fromRaw = reportWindows(store, run, 'raw windows', MAX_POINTS);
    const [kept, read] = [report(fromSpans), report(fromRaw)];
    expect(kept.steps).toEqual(read.steps);
    expect(kept.agents).toEqual(read.agents);
    expect(kept.agents.map((a) => [a.windows, a.saturatedWindows])).toEqual([[intervals, 0], [intervals, 13]]);
    expect(kept.series).toEqual(read.series);
    expect(kept.series.length).toBeLessThanOrEqual(MAX_POINTS);
    // A window stored after the end: the spans no longer cover the run, so the windows are read again.
    store.saveWindow('run-1', 'a1', 99_999, intervals * 1000, windowFrame('run-1', 'a1', 99_999, windowOf(intervals * 1000, 1000, [5])), 1);
    const later = report(reportWindows(store, run, 'merged series', MAX_POINTS));
    expect(later.agents[0]!.windows).toBe(intervals + 1);
    store.close();
  });
});
