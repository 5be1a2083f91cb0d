// The run store's promise to the protocol: saving a window is an upsert on
// (run, agent, window start), so resends change nothing, and the merged
// series rebuilt from raw windows is the same however often it is rebuilt.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempStore, windowFrame } from '../../test/harness/store.js';
import { windowOf } from '../../test/harness/fake-agent.js';

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
    const once = store.rebuildMerged('run-1');
    const twice = store.rebuildMerged('run-1');
    expect(twice).toEqual(once);
    expect(store.mergedWindows('run-1')).toEqual(once);
    expect(once.map((w) => [w.windowStart, w.agents, w.steps.home!.count, w.steps.home!.failed])).toEqual([
      [0, 2, 3, 1],
      [1000, 1, 1, 0],
    ]);
    store.close();
  });
});
