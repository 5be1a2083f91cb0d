// Keeps the number of running VUs on the plan's curve: starts VUs as the
// target rises, lets the newest finish their iteration as it falls, and at
// the end gives running iterations the graceful-stop time before
// interrupting them.
import type { ClosedPlan } from '../src/protocol/plan.js';
import { planDurationMs, vusAt } from '../src/load/stages.js';

export interface ScheduledVu {
  readonly id: number;
  readonly stopping: boolean;
  run(): Promise<void>;
  stopAfterIteration(): void;
  interrupt(): void;
}

export interface SchedulerOptions {
  plan: ClosedPlan;
  /** controller-clock epoch ms of VU time zero */
  t0: number;
  now: () => number;
  firstVu: number;
  createVu: (id: number) => ScheduledVu;
  onActiveChange: (active: number) => void;
  /** a VU's loop died outside the scenario (browser crash): report it */
  onVuError: (id: number, error: unknown) => void;
  tickMs?: number;
  /**
   * VUs started per second at most. VUs that start at the same instant march
   * in lockstep, hitting the target in bursts no real traffic makes, and
   * creating many browser contexts at once starves the host for a moment.
   */
  startsPerSecond?: number;
}

export const DEFAULT_STARTS_PER_SECOND = 10;

export class VuScheduler {
  private readonly running = new Map<number, { vu: ScheduledVu; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private endedAt: number | undefined;
  private startCredit = 1;
  private lastTickAt: number | undefined;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: SchedulerOptions) {}

  get active(): number {
    return this.running.size;
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 200);
  }

  /** End the load now as if the plan had ended: graceful stop, then interrupt. */
  stop(): void {
    if (this.endedAt === undefined) this.endedAt = this.options.now();
    this.tick();
  }

  /** Interrupt everything now. */
  abort(): void {
    this.endedAt = Number.NEGATIVE_INFINITY;
    this.tick();
  }

  private tick(): void {
    const { plan, t0, now } = this.options;
    const elapsed = now() - t0;
    if (this.endedAt === undefined && elapsed >= planDurationMs(plan)) this.endedAt = t0 + planDurationMs(plan);
    if (this.endedAt !== undefined) return this.wind(now() - this.endedAt >= plan.gracefulStopMs);
    const target = vusAt(plan, elapsed);
    const live = [...this.running.values()].filter((r) => !r.vu.stopping);
    const rate = this.options.startsPerSecond ?? DEFAULT_STARTS_PER_SECOND;
    const at = now();
    this.startCredit = Math.min(Math.max(1, rate / 2), this.startCredit + ((at - (this.lastTickAt ?? at)) / 1000) * rate);
    this.lastTickAt = at;
    if (live.length > target) {
      // Ramp down from the newest VUs; they finish their current iteration.
      for (const { vu } of live.sort((a, b) => b.vu.id - a.vu.id).slice(0, live.length - target)) {
        vu.stopAfterIteration();
      }
    }
    for (let id = this.options.firstVu, wanted = target - live.length; wanted > 0 && this.startCredit >= 1; id += 1) {
      if (this.running.has(id)) continue;
      this.launch(id);
      this.startCredit -= 1;
      wanted -= 1;
    }
  }

  private wind(interrupt: boolean): void {
    for (const { vu } of this.running.values()) {
      if (interrupt) vu.interrupt();
      else vu.stopAfterIteration();
    }
    if (this.running.size === 0) {
      clearInterval(this.timer);
      this.resolveDone();
    }
  }

  private launch(id: number): void {
    const vu = this.options.createVu(id);
    const done = vu
      .run()
      .catch((error: unknown) => this.options.onVuError(id, error))
      .finally(() => {
        this.running.delete(id);
        this.options.onActiveChange(this.running.size);
        if (this.endedAt !== undefined) this.tick();
      });
    this.running.set(id, { vu, done });
    this.options.onActiveChange(this.running.size);
  }
}
