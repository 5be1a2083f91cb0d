// Windows that arrive in one turn of the event loop share one commit; a
// failed commit fails every one of them (so none is acked).
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('commits what arrives in one turn together, and at most maxBatch at a time', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, string>((items) => {
      batches.push(items);
      return items.map((item) => `saved ${item}`);
    }, 3);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => commit.add(n)));
    expect(results).toEqual(['saved 1', 'saved 2', 'saved 3', 'saved 4', 'saved 5']);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
    await commit.add(6);
    expect(batches.at(-1)).toEqual([6]);
  });

  it('rejects every item of a batch whose commit threw', async () => {
    const commit = new GroupCommit<number, void>(() => {
      throw new Error('disk full');
    });
    const outcomes = await Promise.allSettled([commit.add(1), commit.add(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
