// The delivery queue against a target that fails, recovers, refuses and
// never answers: order kept, memory bounded, every payload accounted for.
import { describe, expect, it } from 'vitest';
import { DeliveryError, DeliveryQueue } from './delivery.js';

function queueTo(target: { up: boolean; refuse?: number }, budgetBytes = 1000) {
  const received: number[] = [];
  const queue = new DeliveryQueue<number>({
    send: async (n) => {
      if (n === target.refuse) throw new DeliveryError('400 bad sample', false);
      if (!target.up) throw new Error('connect ECONNREFUSED');
      received.push(n);
    },
    sizeOf: () => 100,
    budgetBytes,
    retryMs: 5,
    maxRetryMs: 20,
  });
  return { queue, received };
}

describe('DeliveryQueue', () => {
  it('holds payloads while the target is down and delivers them in order once it is back', async () => {
    const target = { up: false };
    const { queue, received } = queueTo(target);
    for (let n = 1; n <= 5; n += 1) queue.push(n);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(received).toEqual([]);
    target.up = true;
    const stats = await queue.drain(2000);
    expect(received).toEqual([1, 2, 3, 4, 5]);
    expect(stats).toMatchObject({ offered: 5, delivered: 5, undelivered: 0 });
    expect(stats.failures).toBeGreaterThan(0);
  });

  it('drops the oldest past its memory budget and counts them', async () => {
    const target = { up: false };
    const { queue, received } = queueTo(target, 300);
    for (let n = 1; n <= 10; n += 1) queue.push(n);
    expect(queue.held).toBeLessThanOrEqual(3);
    target.up = true;
    const stats = await queue.drain(2000);
    expect(received.at(-1)).toBe(10);
    expect(stats.delivered + stats.undelivered).toBe(10);
    expect(stats.undelivered).toBeGreaterThanOrEqual(7);
  });

  it('does not retry what the target refused, and goes on with the rest', async () => {
    const { queue, received } = queueTo({ up: true, refuse: 2 });
    for (let n = 1; n <= 3; n += 1) queue.push(n);
    const stats = await queue.drain(2000);
    expect(received).toEqual([1, 3]);
    expect(stats).toMatchObject({ delivered: 2, undelivered: 1, failures: 1, lastError: '400 bad sample' });
  });

  it('gives a target that is down at the end three tries at the pace of its backoff, then counts what it held', async () => {
    const { queue } = queueTo({ up: false });
    for (let n = 1; n <= 4; n += 1) queue.push(n);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const failedBefore = queue.stats.failures;
    const started = Date.now();
    const stats = await queue.drain(10_000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(stats).toMatchObject({ offered: 4, delivered: 0, undelivered: 4, lastError: 'connect ECONNREFUSED' });
    expect(stats.failures - failedBefore).toBe(3);
  });

  it('gives up at the deadline on a target that never answers', async () => {
    const queue = new DeliveryQueue<number>({ send: () => new Promise(() => {}), sizeOf: () => 1, budgetBytes: 10 });
    queue.push(1);
    queue.push(2);
    const started = Date.now();
    const stats = await queue.drain(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(stats).toMatchObject({ offered: 2, delivered: 0, undelivered: 2 });
  });
});
