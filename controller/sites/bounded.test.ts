import { describe, expect, it } from 'vitest';
import { mapBoundedPerKey } from './bounded.js';

describe('mapBoundedPerKey', () => {
  it('never runs more than the limit in all nor more than perKey of one key, and keeps the order of results', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ i, key: i % 4 === 0 ? 'bastion' : `host${i}` }));
    let running = 0;
    let most = 0;
    const perKey = new Map<string, number>();
    let mostOfOneKey = 0;
    const results = await mapBoundedPerKey(items, 10, 3, (item) => item.key, async (item) => {
      running += 1;
      perKey.set(item.key, (perKey.get(item.key) ?? 0) + 1);
      most = Math.max(most, running);
      mostOfOneKey = Math.max(mostOfOneKey, perKey.get(item.key)!);
      await new Promise((resolve) => setTimeout(resolve, 1 + (item.i % 3)));
      running -= 1;
      perKey.set(item.key, perKey.get(item.key)! - 1);
      return item.i * 2;
    });
    expect(results).toEqual(items.map((item) => item.i * 2));
    expect(most).toBe(10);
    expect(mostOfOneKey).toBe(3);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const run = mapBoundedPerKey([0, 1, 2, 3, 4], 1, 1, () => 'one', async (i) => {
      started.push(i);
      if (i === 1) throw new Error('host 1 refused');
      return i;
    });
    await expect(run).rejects.toThrow('host 1 refused');
    expect(started).toEqual([0, 1]);
  });

  it('resolves at once for no items', async () => {
    expect(await mapBoundedPerKey([], 4, 2, String, async () => 1)).toEqual([]);
  });
});
