import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClosedPlan as Plan } from '../src/protocol/plan.js';
import { VuScheduler, type ScheduledVu } from './scheduler.js';

/** A VU whose iterations take `iterationMs` of (fake) time. */
class FakeVu implements ScheduledVu {
  stopping = false;
  interrupted = false;
  iterations = 0;
  private wake: (() => void) | undefined;

  constructor(
    readonly id: number,
    private readonly iterationMs: number,
  ) {}

  async run(): Promise<void> {
    while (!this.stopping) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.iterationMs);
      });
      if (this.interrupted) return;
      this.iterations += 1;
    }
  }

  stopAfterIteration(): void {
    this.stopping = true;
  }

  interrupt(): void {
    this.stopping = true;
    this.interrupted = true;
    this.wake?.();
  }
}

describe('VuScheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  function schedule(plan: Plan, iterationMs: number) {
    const vus: FakeVu[] = [];
    const active: number[] = [];
    const scheduler = new VuScheduler({
      plan,
      t0: Date.now(),
      now: () => Date.now(),
      firstVu: 11,
      createVu: (id) => {
        const vu = new FakeVu(id, iterationMs);
        vus.push(vu);
        return vu;
      },
      onActiveChange: (n) => active.push(n),
      onVuError: (_id, error) => {
        throw error;
      },
      tickMs: 100,
    });
    scheduler.start();
    return { scheduler, vus, active };
  }

  it('ramps up and down along the stages, newest VUs leaving first', async () => {
    const { scheduler, vus } = schedule(
      { startVus: 0, stages: [{ durationMs: 4000, target: 4 }, { durationMs: 2000, target: 4 }, { durationMs: 4000, target: 0 }], gracefulStopMs: 5000 },
      300,
    );
    await vi.advanceTimersByTimeAsync(1100);
    expect(scheduler.active).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(scheduler.active).toBe(4);
    expect(vus.map((v) => v.id)).toEqual([11, 12, 13, 14]);
    await vi.advanceTimersByTimeAsync(3400); // t = 7.5 s: target 3 (rounded from 2.75)
    expect(scheduler.active).toBe(3);
    expect(vus.find((v) => v.id === 14)!.stopping).toBe(true);
    expect(vus.find((v) => v.id === 11)!.stopping).toBe(false);
    await vi.advanceTimersByTimeAsync(3000);
    await scheduler.done;
    expect(scheduler.active).toBe(0);
    expect(vus.every((v) => !v.interrupted)).toBe(true);
  });

  it('lets running iterations finish within the graceful stop, then interrupts', async () => {
    const { scheduler, vus } = schedule({ startVus: 2, stages: [{ durationMs: 1000, target: 2 }], gracefulStopMs: 2000 }, 10_000);
    let finished = false;
    void scheduler.done.then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(2500);
    expect(finished).toBe(false);
    expect(vus.every((v) => v.stopping && !v.interrupted)).toBe(true);
    await vi.advanceTimersByTimeAsync(700);
    expect(finished).toBe(true);
    expect(vus.every((v) => v.interrupted)).toBe(true);
  });

  it('starts at most 10 VUs a second, so they do not march in lockstep', async () => {
    const { scheduler } = schedule({ startVus: 30, stages: [{ durationMs: 60_000, target: 30 }], gracefulStopMs: 0 }, 500);
    expect(scheduler.active).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(scheduler.active).toBeGreaterThanOrEqual(10);
    expect(scheduler.active).toBeLessThanOrEqual(12);
    await vi.advanceTimersByTimeAsync(2200);
    expect(scheduler.active).toBe(30);
    scheduler.abort();
  });

  it('stop() ends the load early and gracefully', async () => {
    const { scheduler, vus } = schedule({ startVus: 3, stages: [{ durationMs: 60_000, target: 3 }], gracefulStopMs: 30_000 }, 500);
    await vi.advanceTimersByTimeAsync(1200);
    scheduler.stop();
    await vi.advanceTimersByTimeAsync(600);
    await scheduler.done;
    expect(vus.every((v) => v.iterations >= 2 && !v.interrupted)).toBe(true);
  });
});
