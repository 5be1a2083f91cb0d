import { describe, expect, it } from 'vitest';
import { LeaseBook } from './lease-book.js';

describe('the lease book', () => {
  it('hands every row to one block only, over agents of different speeds, and runs out once', () => {
    const book = new LeaseBook(() => 3, () => 1234);
    const taken: number[] = [];
    let request = 0;
    for (let round = 0; ; round += 1) {
      // agent a asks three times as often as b and c
      const agent = ['a', 'a', 'a', 'b', 'c'][round % 5]!;
      const block = book.lease(agent, 'users', 500, false, request++);
      if (!block) break;
      book.start(agent, 'users', block.id);
      for (let i = block.from; i <= block.to; i += 1) taken.push(i);
    }
    expect(taken.sort((x, y) => x - y)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(book.lease('a', 'users', 500, false, request++)).toBeUndefined();
    // The first VU to find none says when the data ran out; the second changes nothing.
    expect(book.ranOut('users')).toBe(true);
    expect(book.ranOut('users')).toBe(false);
    expect(book.accounts()).toEqual([{ feeder: 'users', rows: 500, used: 500, left: 0, lostWithHosts: 0, ranOutAt: 1234 }]);
  });

  it('answers a request asked again with the same block', () => {
    const book = new LeaseBook(() => 1);
    const first = book.lease('a', 'users', 100, false, 7);
    expect(book.lease('a', 'users', 100, false, 7)).toEqual(first);
    expect(book.lease('a', 'users', 100, false, 8)!.from).toBe(first!.to + 1);
  });

  it("gives a lost host's unstarted blocks to others, keeps its started ones used, and takes back the unused tail at the end", () => {
    const book = new LeaseBook(() => 2);
    const started = book.lease('a', 'users', 160, false, 0)!;
    const prefetched = book.lease('a', 'users', 160, false, 1)!;
    book.start('a', 'users', started.id);
    book.agentGone('a', true);
    const next = book.lease('b', 'users', 160, false, 0)!;
    expect([next.from, next.to]).toEqual([prefetched.from, prefetched.to]);
    book.start('b', 'users', next.id);
    book.giveBack('b', 'users', next.id, next.from + 3);
    const size = started.to - started.from + 1;
    expect(book.accounts()[0]).toMatchObject({ used: size + 3, lostWithHosts: size, left: 160 - size - 3 });
    // What b gave back is leased first.
    expect(book.lease('b', 'users', 160, false, 1)!.from).toBe(next.from + 3);
  });

  it('keeps a finished agent\'s started blocks used and frees the one it never started', () => {
    const book = new LeaseBook(() => 1);
    const started = book.lease('a', 'users', 80, false, 0)!;
    book.lease('a', 'users', 80, false, 1);
    book.start('a', 'users', started.id);
    book.agentGone('a', false);
    expect(book.accounts()[0]).toMatchObject({ used: started.to - started.from + 1, left: 80 - (started.to - started.from + 1), lostWithHosts: 0 });
  });

  it('starts over for a circular feeder, and never runs out', () => {
    const book = new LeaseBook(() => 1);
    const froms = Array.from({ length: 12 }, (_, request) => book.lease('a', 'words', 10, true, request)!.from);
    expect(froms).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(book.accounts()[0]!.ranOutAt).toBeUndefined();
  });

  it('ignores a start or a give-back for a block that is not the agent\'s', () => {
    const book = new LeaseBook(() => 2);
    const block = book.lease('a', 'users', 100, false, 0)!;
    book.start('b', 'users', block.id);
    book.giveBack('b', 'users', block.id, block.from);
    expect(book.accounts()[0]).toMatchObject({ used: 0 });
  });
});
