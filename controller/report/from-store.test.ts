// The report of a run whose controller died: built from the raw windows the
// store holds (nothing merged them), marked partial, ending where it was last heard.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import { PLAN, tempStore, windowFrame } from '../../test/harness/store.js';
import { reportFromStore } from './from-store.js';
import { renderReport } from './outputs.js';
import { PARTIAL_NOTE, summaryText } from './summary.js';

describe('reportFromStore', () => {
  it('renders a run whose controller is gone as partial, from its raw windows, in every format', () => {
    const { store } = tempStore('unused');
    const config = { envKeys: [], outDir: '/dev/null', thresholds: [] };
    store.createRun({ id: 'r1', scenario: 'crashed', scenarioPath: '/dev/null', startedAt: 10_000, status: 'running', windowMs: 1000, plan: PLAN, config, owner: { host: 'laptop', pid: 4242 }, heartbeatAt: 13_500 });
    store.upsertAgent('r1', { agentId: 'a1', host: 'h1', plannedVus: 1, status: 'running' });
    store.saveWindow('r1', 'a1', 1, 10_000, windowFrame('r1', 'a1', 1, windowOf(10_000, 1000, [100, 110])), 1);
    store.saveWindow('r1', 'a1', 2, 11_000, windowFrame('r1', 'a1', 2, windowOf(11_000, 1000, [120])), 1);
    const dead = { now: 30_000, host: 'laptop', alive: () => false };
    const report = reportFromStore(store, 'r1', dead);
    expect(report.run).toMatchObject({ status: 'interrupted', partial: true, endedAt: new Date(13_500).toISOString(), durationMs: 3500 });
    expect(report.steps[0]).toMatchObject({ name: 'home', count: 3 });
    expect(report.series).toHaveLength(2);
    expect(JSON.parse(renderReport(report, 'json')).run.partial).toBe(true);
    expect(renderReport(report, 'html')).toContain('data-partial="true"');
    expect(summaryText(report, [])).toContain(PARTIAL_NOTE);
    const alive = reportFromStore(store, 'r1', { ...dead, alive: () => true, now: 14_000 });
    expect(alive.run).toMatchObject({ status: 'running', partial: false });
    store.close();
  });
});
