// Starts iterations on an arrival plan's schedule, each on a free kept VU,
// or drops and counts it when none is free: the site's slowness must not
// slow the arrivals (coordinated omission). VUs are made ahead of need,
// within the plan's maximum, because making a browser context mid-test is
// what costs.
import { ownArrivals, rateAt, TurnTaker } from '../src/load/arrival.js';
import { planDurationMs } from '../src/load/stages.js';
import type { ArrivalPlan } from '../src/protocol/plan.js';
import type { OnDemandVu } from './vu-worker-pool.js';

export interface ArrivalSchedulerOptions {
  plan: ArrivalPlan;
  /** controller-clock epoch ms of time zero */
  t0: number;
  now: () => number;
  /** the VUs made before the start */
  preAllocated: readonly OnDemandVu[];
  /** the id the next VU made during the run gets */
  nextVuId: number;
  openVu: (id: number) => OnDemandVu;
  /** VUs running an iteration, and VUs kept (busy or free), as they change */
  onBusyChange: (busy: number, atMs: number) => void;
  onAllocatedChange: (allocated: number, atMs: number) => void;
  /** an arrival found no free VU; `atMs` is when it was due, `flow` the named flow it was for */
  onDropped: (atMs: number, flow?: string) => void;
  onVuError: (id: number, error: unknown) => void;
  /** true while the host is out of CPU: more VUs would only slow the ones there are */
  saturated?: () => boolean;
}

/** Growth looks this far ahead on the rate curve, so a ramp finds its VUs made. */
const LOOKAHEAD_MS = 5000;
/** VUs being made at once: each is a context and a page in a shared browser. */
const MAX_OPENING = 4;
/** How often growth is reconsidered when arrivals are sparse. */
const CHECK_MS = 100;
/** Headroom over Little's law (rate × iteration time) and over the VUs busy now. */
const HEADROOM = 1.25;

export class ArrivalScheduler {
  private readonly kept = new Map<number, OnDemandVu>();
  private readonly free: OnDemandVu[] = [];
  private readonly busySince = new Map<number, number>();
  private opening = 0;
  private nextVuId: number;
  private meanIterationMs: number | undefined;
  private readonly due: Iterator<number>;
  /** this agent's fraction of the run's arrivals */
  private readonly share: number;
  /** a scenario with named flows: each of this agent's arrivals is for the flow whose turn it is */
  private readonly flowTurns: TurnTaker | undefined;
  private nextDue: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private endedAt: number | undefined;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: ArrivalSchedulerOptions) {
    this.nextVuId = options.nextVuId;
    this.due = ownArrivals(options.plan);
    const weights = options.plan.share?.weights ?? [1];
    this.share = weights[options.plan.share?.index ?? 0]! / weights.reduce((a, b) => a + b, 0);
    this.flowTurns = options.plan.flows ? new TurnTaker(options.plan.flows.map((f) => f.weight)) : undefined;
    for (const vu of options.preAllocated) {
      this.keep(vu);
      this.free.push(vu);
    }
  }

  /** VUs running an iteration now. */
  get active(): number {
    return this.busySince.size;
  }

  get allocated(): number {
    return this.kept.size - this.opening;
  }

  start(): void {
    const at = this.options.now();
    this.options.onAllocatedChange(this.allocated, at);
    this.nextDue = this.due.next().value ?? undefined;
    this.pump();
  }

  /** End the arrivals now as if the plan had ended: running iterations get the graceful stop. */
  stop(): void {
    if (this.endedAt === undefined) this.end(this.options.now());
  }

  /** Interrupt everything now. */
  abort(): void {
    if (this.endedAt === undefined) this.end(this.options.now());
    for (const vu of this.kept.values()) vu.interrupt();
  }

  private pump(): void {
    this.timer = undefined;
    if (this.endedAt !== undefined) return;
    const { t0, now, plan } = this.options;
    const elapsed = now() - t0;
    while (this.nextDue !== undefined && this.nextDue <= elapsed) {
      this.arrive(t0 + this.nextDue);
      this.nextDue = this.due.next().value ?? undefined;
    }
    const durationMs = planDurationMs(plan);
    if (elapsed >= durationMs) return this.end(t0 + durationMs);
    this.grow(elapsed);
    const untilNext = this.nextDue === undefined ? durationMs - elapsed : this.nextDue - elapsed;
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.min(untilNext, CHECK_MS)));
  }

  private arrive(dueAt: number): void {
    const flow = this.flowTurns ? this.options.plan.flows![this.flowTurns.next()]!.name : undefined;
    const vu = this.free.shift();
    if (!vu) return this.options.onDropped(dueAt, flow);
    const at = this.options.now();
    this.busySince.set(vu.id, at);
    vu.dispatch(flow);
    this.options.onBusyChange(this.busySince.size, at);
  }

  private idle(vu: OnDemandVu): void {
    const at = this.options.now();
    const since = this.busySince.get(vu.id);
    if (since === undefined) return;
    this.busySince.delete(vu.id);
    const took = at - since;
    this.meanIterationMs = this.meanIterationMs === undefined ? took : 0.8 * this.meanIterationMs + 0.2 * took;
    if (this.endedAt !== undefined) vu.stopAfterIteration();
    else this.free.push(vu);
    this.options.onBusyChange(this.busySince.size, at);
  }

  /** Little's law ahead on the curve, and headroom over what is busy now, within the plan's bounds. */
  private grow(elapsed: number): void {
    const { plan } = this.options;
    if (this.options.saturated?.()) return;
    const ratePerMs = Math.max(rateAt(plan, elapsed), rateAt(plan, elapsed + LOOKAHEAD_MS)) * this.share;
    const byRate = this.meanIterationMs === undefined ? 0 : Math.ceil(ratePerMs * this.meanIterationMs * HEADROOM) + 1;
    const byBusy = Math.ceil(this.busySince.size * HEADROOM) + 1;
    const wanted = Math.min(plan.maxVus, Math.max(plan.preAllocatedVus, byRate, byBusy));
    while (this.kept.size < wanted && this.opening < MAX_OPENING) this.open();
  }

  private open(): void {
    const vu = this.options.openVu(this.nextVuId);
    this.nextVuId += 1;
    this.opening += 1;
    this.keep(vu);
    vu.ready.then(
      () => {
        this.opening -= 1;
        if (this.endedAt !== undefined) vu.stopAfterIteration();
        else this.free.push(vu);
        this.options.onAllocatedChange(this.allocated, this.options.now());
      },
      () => (this.opening -= 1),
    );
  }

  private keep(vu: OnDemandVu): void {
    this.kept.set(vu.id, vu);
    vu.onIdle = () => this.idle(vu);
    vu.done
      .catch((error: unknown) => this.options.onVuError(vu.id, error))
      .finally(() => {
        this.kept.delete(vu.id);
        const index = this.free.indexOf(vu);
        if (index >= 0) this.free.splice(index, 1);
        if (this.busySince.delete(vu.id)) this.options.onBusyChange(this.busySince.size, this.options.now());
        this.options.onAllocatedChange(this.allocated, this.options.now());
        this.settleIfEmpty();
      });
  }

  private end(at: number): void {
    this.endedAt = at;
    clearTimeout(this.timer);
    for (const vu of this.free.splice(0)) vu.stopAfterIteration();
    const grace = Math.max(0, at + this.options.plan.gracefulStopMs - this.options.now());
    this.timer = setTimeout(() => {
      for (const vu of this.kept.values()) vu.interrupt();
    }, grace);
    this.settleIfEmpty();
  }

  private settleIfEmpty(): void {
    if (this.endedAt === undefined || this.kept.size > 0) return;
    clearTimeout(this.timer);
    this.resolveDone();
  }
}
