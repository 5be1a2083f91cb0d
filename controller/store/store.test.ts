// The run store's promise to the protocol: saving a window is an upsert on
// (run, agent, window start), so resends change nothing, and the merged
// series rebuilt from raw windows is the same however often it is rebuilt.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempStore, windowFrame } from '../../test/harness/store.js';
import { windowOf } from '../../test/harness/fake-agent.js';
import { PLAN } from '../../test/harness/store.js';
import { localProbe, runStatusNow } from './liveness.js';
import { RunStore } from './store.js';
import { finishSeries } from './rollups.js';

describe('RunStore', () => {
  it('stores a window once however often it is sent, and replaces it when its content changed', () => {
    const { store, path } = tempStore();
    const first = windowFrame('run-1', 'a1', 3, windowOf(0, 1000, [100, 200]));
    expect(store.saveWindow('run-1', 'a1', 3, 0, first, 10)).toBe('new');
    expect(store.saveWindow('run-1', 'a1', 3, 0, first, 11)).toBe('duplicate');
    const changed = windowFrame('run-1', 'a1', 4, windowOf(0, 1000, [100, 200, 300]));
    expect(store.saveWindow('run-1', 'a1', 4, 0, changed, 12)).toBe('replaced');
    expect(store.saveWindow('run-1', 'a2', 1, 0, first, 13)).toBe('new');
    store.close();
    // What another process reads from the file: committed rows only.
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT agent_id, seq FROM agent_windows ORDER BY agent_id').all();
    db.close();
    expect(rows).toEqual([
      { agent_id: 'a1', seq: 4 },
      { agent_id: 'a2', seq: 1 },
    ]);
  });

  it('rebuilds the same merged series every time, summing every agent of each window', () => {
    const { store } = tempStore();
    store.saveWindow('run-1', 'a1', 1, 0, windowFrame('run-1', 'a1', 1, windowOf(0, 1000, [100, -1])), 1);
    store.saveWindow('run-1', 'a2', 1, 0, windowFrame('run-1', 'a2', 1, windowOf(0, 1000, [300])), 1);
    store.saveWindow('run-1', 'a1', 2, 1000, windowFrame('run-1', 'a1', 2, windowOf(1000, 1000, [50])), 1);
    finishSeries(store, { id: 'run-1', windowMs: 1000 });
    const once = store.mergedWindows('run-1');
    // A slice of one interval at a time gives the same series.
    finishSeries(store, { id: 'run-1', windowMs: 1000 }, { sliceIntervals: 1 });
    expect(store.mergedWindows('run-1')).toEqual(once);
    expect(once.map((w) => [w.windowStart, w.agents, w.steps.home!.count, w.steps.home!.failed])).toEqual([
      [0, 2, 3, 1],
      [1000, 1, 1, 0],
    ]);
    store.close();
  });
});

describe('RunStore with a store an older squall wrote', () => {
  it('migrates schema 1 in place (through 2 and 3: the runs\' data accounts and what stopped them): runs it left running read as interrupted, finished ones keep their status', () => {
    const { store, path } = tempStore();
    store.createRun({ id: 'done-1', scenario: 'old', scenarioPath: '/dev/null', startedAt: 5, endedAt: 9, status: 'completed', windowMs: 1000, plan: PLAN, config: { envKeys: [], outDir: '/dev/null', thresholds: [] } });
    store.close();
    // Back to the layout of schema 1, as squall 0.1 wrote it.
    const db = new Database(path);
    for (const column of ['owner_host', 'owner_pid', 'heartbeat_at', 'error', 'data_json', 'stopped_json']) db.exec(`ALTER TABLE runs DROP COLUMN ${column}`);
    for (const column of ['reconnects', 'longest_gap_ms', 'expected_windows']) db.exec(`ALTER TABLE agents DROP COLUMN ${column}`);
    db.exec(`UPDATE meta SET value = '1' WHERE key = 'schema'`);
    db.close();
    const reopened = RunStore.open(path);
    const running = reopened.getRun('run-1')!;
    expect(running).toMatchObject({ status: 'running', heartbeatAt: running.startedAt });
    expect(runStatusNow(running, localProbe())).toBe('interrupted');
    expect(reopened.getRun('done-1')).toMatchObject({ status: 'completed', endedAt: 9 });
    expect(reopened.getRun('done-1')!.heartbeatAt).toBeUndefined();
    expect(reopened.getRun('done-1')!.data).toBeUndefined();
    reopened.setRunData('done-1', [{ feeder: '0:users.csv', rows: 5, used: 2, left: 3, lostWithHosts: 0 }]);
    expect(reopened.getRun('done-1')!.data).toEqual([{ feeder: '0:users.csv', rows: 5, used: 2, left: 3, lostWithHosts: 0 }]);
    const cause = { threshold: { target: 'steps', expression: 'p95 < 1', source: 'cli' as const, abortOnFail: true }, detail: 'p95 was 3ms, not < 1ms', atMs: 2000 };
    reopened.setRunStopped('done-1', cause);
    expect(reopened.getRun('done-1')!.stoppedBy).toEqual(cause);
    reopened.close();
  });

  it('refuses a store from a newer squall, naming both versions', () => {
    const { store, path } = tempStore();
    store.close();
    const db = new Database(path);
    db.exec(`UPDATE meta SET value = '99' WHERE key = 'schema'`);
    db.close();
    expect(() => RunStore.open(path)).toThrow(/store schema 99 is not one this squall reads \(it reads up to 4\)/);
  });
});
