import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArrivalPlan } from '../src/protocol/plan.js';
import { ArrivalScheduler } from './arrival-scheduler.js';
import type { OnDemandVu } from './vu-worker-pool.js';

/** A VU whose iterations take `iterationMs` of (fake) time. */
function fakeVu(id: number, iterationMs: number, log: { dispatched: number[]; busyPeak: number }): OnDemandVu {
  let endLoop!: () => void;
  let busy = false;
  const vu: OnDemandVu = {
    id,
    ready: new Promise((resolve) => setTimeout(resolve, 0)),
    done: new Promise<void>((resolve) => (endLoop = resolve)),
    dispatch: () => {
      if (busy) throw new Error(`VU ${id} dispatched while busy`);
      busy = true;
      log.dispatched.push(id);
      setTimeout(() => {
        busy = false;
        vu.onIdle();
      }, iterationMs);
    },
    stopAfterIteration: () => {
      if (!busy) endLoop();
      else setTimeout(() => endLoop(), iterationMs);
    },
    interrupt: () => endLoop(),
    onIdle: () => {},
  };
  return vu;
}

function plan(overrides: Partial<ArrivalPlan> = {}): ArrivalPlan {
  return { model: 'arrival', perMs: 1000, startRate: 10, stages: [{ durationMs: 10_000, rate: 10 }], distribution: 'uniform', seed: 1, preAllocatedVus: 2, maxVus: 50, gracefulStopMs: 1000, ...overrides };
}

function run(p: ArrivalPlan, iterationMs: number, saturated?: () => boolean) {
  const log = { dispatched: [] as number[], busyPeak: 0 };
  const counts = { dropped: 0, allocated: 0, opened: 0 };
  const t0 = Date.now();
  const scheduler = new ArrivalScheduler({
    plan: p,
    t0,
    now: () => Date.now(),
    preAllocated: Array.from({ length: p.preAllocatedVus }, (_, i) => fakeVu(1 + i, iterationMs, log)),
    nextVuId: 1 + p.preAllocatedVus,
    openVu: (id) => {
      counts.opened += 1;
      return fakeVu(id, iterationMs, log);
    },
    onBusyChange: (busy) => (log.busyPeak = Math.max(log.busyPeak, busy)),
    onAllocatedChange: (allocated) => (counts.allocated = Math.max(counts.allocated, allocated)),
    onDropped: () => (counts.dropped += 1),
    onVuError: (id, error) => {
      throw new Error(`VU ${id}: ${String(error)}`);
    },
    ...(saturated ? { saturated } : {}),
  });
  scheduler.start();
  return { scheduler, log, counts };
}

describe('ArrivalScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts every arrival on a free VU and grows ahead of need: 100 arrivals, none dropped', async () => {
    // 10/s with 1.5 s iterations needs about 15 VUs; it starts with 2.
    const { scheduler, log, counts } = run(plan(), 1500);
    await vi.advanceTimersByTimeAsync(15_000);
    await scheduler.done;
    expect(log.dispatched).toHaveLength(100);
    expect(counts.dropped).toBe(0);
    expect(counts.allocated).toBeGreaterThanOrEqual(15);
    expect(counts.allocated).toBeLessThanOrEqual(25);
  });

  it('drops what finds no free VU at the maximum, and every arrival is either started or dropped', async () => {
    const { scheduler, log, counts } = run(plan({ maxVus: 5, preAllocatedVus: 5 }), 2000);
    await vi.advanceTimersByTimeAsync(15_000);
    await scheduler.done;
    // 5 VUs, 2 s each: 2.5 iterations a second of the 10 asked.
    expect(log.dispatched.length).toBeGreaterThanOrEqual(24);
    expect(log.dispatched.length).toBeLessThanOrEqual(26);
    expect(log.dispatched.length + counts.dropped).toBe(100);
    expect(counts.opened).toBe(0);
  });

  it('does not make VUs while the host is saturated', async () => {
    const { scheduler, log, counts } = run(plan({ preAllocatedVus: 2 }), 1500, () => true);
    await vi.advanceTimersByTimeAsync(15_000);
    await scheduler.done;
    expect(counts.opened).toBe(0);
    expect(counts.dropped).toBeGreaterThan(0);
    expect(log.dispatched.length + counts.dropped).toBe(100);
  });

  it('interrupts iterations still running after the graceful stop', async () => {
    const { scheduler, log } = run(plan({ stages: [{ durationMs: 1000, rate: 10 }], gracefulStopMs: 500 }), 60_000);
    let settled = false;
    void scheduler.done.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1400);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(settled).toBe(true);
    expect(log.dispatched).toHaveLength(10);
  });
});
