// The run's writes to a real store file: a store deleted under the run is
// noticed once, and windows held while the disk refuses writes stay within
// their budget (the full disk itself: test/e2e/full-disk.test.ts, on a tmpfs).
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import { tempStore, windowFrame } from '../../test/harness/store.js';
import { HeldWindows } from './held-windows.js';
import { StoreWriter } from './store-writer.js';

function held(agentId: string, windowStart: number, durations = [10]) {
  const frame = windowFrame('run-1', agentId, 1, windowOf(windowStart, 1000, durations));
  return { agentId, seq: 1, windowStart, windowMs: 1000, frame };
}

describe('StoreWriter', () => {
  it('says once that the store file was deleted during the run', () => {
    const { store, path } = tempStore();
    const notices: string[] = [];
    const writes = new StoreWriter('run-1', store, { notice: (text) => notices.push(text) }, Date.now);
    writes.maintain();
    expect(writes.storeGone).toBe(false);
    rmSync(path);
    writes.maintain();
    writes.maintain();
    expect(writes.storeGone).toBe(true);
    expect(notices).toEqual(['the store file was deleted or replaced during the run: this run will be in its report files only, not in squall runs']);
    store.close();
  });
});

describe('HeldWindows', () => {
  it('holds windows within its budget, counts a resend once, and gives the exact span held', () => {
    const first = held('a1', 1000);
    const windows = new HeldWindows(first.frame.length * 4 + 20);
    expect(windows.hold(first)).toBe('new');
    expect(windows.hold(first)).toBe('duplicate');
    expect(windows.hold(held('a2', 3000))).toBe('new');
    // Over the budget: not held, so not acked; the agent keeps it.
    expect(windows.hold(held('a1', 5000))).toBeUndefined();
    expect(windows.span()).toEqual({ from: 1000, to: 4000, windows: 2, agents: ['a1', 'a2'] });
    windows.clear();
    expect(windows.span()).toBeUndefined();
  });
});
