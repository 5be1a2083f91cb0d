// Turns timestamped VU events into windows aligned to the run's t0 (the load's
// start on the controller's clock, which every agent is given), so every
// agent's window N covers the same interval and the first starts with the load.
import type { ResourceSample, WindowBody } from '../protocol/messages.js';
import { StepTable } from './merge.js';
import { ErrorTallyBuilder } from './step-stats.js';
import { pageViewTable, requestTable, type RequestSample, type VitalValues } from './request-stats.js';

interface FlowCounts {
  started: number;
  completed: number;
  failed: number;
  dropped: number;
  busy: number;
  allocated?: number;
}

interface FlowVus {
  busy: number;
  kept?: number;
}

/** The start of the window holding `atMs`: windows are `windowMs` long from `origin` on. */
export function alignWindow(atMs: number, windowMs: number, origin = 0): number {
  return origin + Math.floor((atMs - origin) / windowMs) * windowMs;
}

class WindowBuilder {
  readonly steps = new StepTable();
  readonly iterationErrors = new ErrorTallyBuilder();
  readonly requests = requestTable();
  readonly pageViews = pageViewTable();
  iterations = { started: 0, completed: 0, failed: 0 };
  dropped = 0;
  /** a scenario with named flows: the iterations of each, the most running at once, and (a flow with its own load) the most VUs kept for it */
  readonly flows = new Map<string, FlowCounts>();
  vusMin: number;
  vusMax: number;
  allocatedMax: number;

  constructor(
    readonly windowStart: number,
    activeVus: number,
    allocated: number,
    private readonly arrivals: boolean,
    flowVus: ReadonlyMap<string, FlowVus>,
  ) {
    this.vusMin = activeVus;
    this.vusMax = activeVus;
    this.allocatedMax = allocated;
    // Iterations running across the boundary are busy in this window too.
    for (const [name, vus] of flowVus) {
      const counts = this.flow(name);
      counts.busy = vus.busy;
      if (vus.kept !== undefined) counts.allocated = vus.kept;
    }
  }

  build(windowMs: number, resources: ResourceSample): WindowBody {
    const requests = this.requests.toWire();
    const pageViews = this.pageViews.toWire();
    return {
      windowStart: this.windowStart,
      windowMs,
      steps: this.steps.toWire(),
      iterations: this.arrivals ? { ...this.iterations, dropped: this.dropped } : { ...this.iterations },
      iterationErrors: this.iterationErrors.toWire(),
      vus: this.arrivals ? { min: this.vusMin, max: this.vusMax, allocated: this.allocatedMax } : { min: this.vusMin, max: this.vusMax },
      resources,
      saturated: false,
      ...(requests ? { requests } : {}),
      ...(pageViews ? { pageViews } : {}),
      ...(this.flows.size > 0 ? { flows: this.flowsToWire() } : {}),
    };
  }

  flow(name: string) {
    let counts = this.flows.get(name);
    if (!counts) {
      counts = { started: 0, completed: 0, failed: 0, dropped: 0, busy: 0 };
      this.flows.set(name, counts);
    }
    return counts;
  }

  private flowsToWire(): NonNullable<WindowBody['flows']> {
    return Object.fromEntries(
      [...this.flows].map(([name, { dropped, allocated, ...counts }]) => [
        name,
        { ...counts, ...(this.arrivals ? { dropped } : {}), ...(allocated !== undefined ? { allocated } : {}) },
      ]),
    );
  }
}

export class WindowAggregator {
  private readonly open = new Map<number, WindowBuilder>();
  private nextToClose: number;
  private activeVus = 0;
  private allocatedVus = 0;
  /** iterations of each named flow running now, and the VUs kept for a flow with its own load */
  private readonly flowVus = new Map<string, FlowVus>();

  /** `arrivals`: an arrival-rate run, whose windows count dropped iterations and the VUs kept */
  /** `startMs`: the run's t0, where the first window starts */
  constructor(
    private readonly windowMs: number,
    private readonly startMs: number,
    private readonly arrivals = false,
  ) {
    this.nextToClose = startMs;
  }

  stepSucceeded(name: string, atMs: number, durationMs: number): void {
    this.at(atMs).steps.get(name).recordSuccess(durationMs);
  }

  stepFailed(name: string, atMs: number, errorClass: string, message: string): void {
    this.at(atMs).steps.get(name).recordFailure(errorClass, message);
  }

  /** `label` is the request's URL label, `step` the step it was made in. */
  requestObserved(label: string, step: string, sample: RequestSample, atMs: number): void {
    this.at(atMs).requests.get(label).record(sample, step);
  }

  /** A page view ended; `step` is the one it began in. */
  pageViewed(step: string, vitals: VitalValues, atMs: number): void {
    this.at(atMs).pageViews.get(step).record(vitals);
  }

  /** `flow`: the named flow the iteration runs */
  iterationStarted(atMs: number, flow?: string): void {
    const window = this.at(atMs);
    window.iterations.started += 1;
    if (flow === undefined) return;
    const counts = window.flow(flow);
    counts.started += 1;
    const vus = this.vusOf(flow);
    vus.busy += 1;
    counts.busy = Math.max(counts.busy, vus.busy);
  }

  iterationEnded(atMs: number, ok: boolean, flow?: string): void {
    const window = this.at(atMs);
    if (flow !== undefined) {
      const vus = this.vusOf(flow);
      vus.busy = Math.max(0, vus.busy - 1);
    }
    for (const counts of flow !== undefined ? [window.iterations, window.flow(flow)] : [window.iterations]) {
      if (ok) counts.completed += 1;
      else counts.failed += 1;
    }
  }

  /** An error thrown by the scenario outside any step. */
  iterationError(atMs: number, errorClass: string, message: string): void {
    this.at(atMs).iterationErrors.add(errorClass, message);
  }

  /** An arrival found no free VU; `atMs` is when it was due. */
  iterationDropped(atMs: number, flow?: string): void {
    const window = this.at(atMs);
    window.dropped += 1;
    if (flow !== undefined) window.flow(flow).dropped += 1;
  }

  /** VUs kept for a flow with its own load, busy or free. */
  flowAllocatedChanged(flow: string, allocated: number, atMs: number): void {
    const counts = this.at(atMs).flow(flow);
    this.vusOf(flow).kept = allocated;
    counts.allocated = Math.max(counts.allocated ?? 0, allocated);
  }

  private vusOf(flow: string): FlowVus {
    let vus = this.flowVus.get(flow);
    if (!vus) {
      vus = { busy: 0 };
      this.flowVus.set(flow, vus);
    }
    return vus;
  }

  /** VUs kept by an arrival-rate run, busy or free. */
  allocatedVusChanged(allocated: number, atMs: number): void {
    const window = this.at(atMs);
    this.allocatedVus = allocated;
    window.allocatedMax = Math.max(window.allocatedMax, allocated);
  }

  activeVusChanged(active: number, atMs: number): void {
    // The window opens with the count from before this change.
    const window = this.at(atMs);
    this.activeVus = active;
    window.vusMin = Math.min(window.vusMin, active);
    window.vusMax = Math.max(window.vusMax, active);
  }

  /**
   * Windows that ended at or before `nowMs`, empty ones included, oldest
   * first. `sample` is asked only when a window closes, so the resource
   * sample covers the whole window since the previous one.
   */
  takeClosed(nowMs: number, sample: () => ResourceSample): WindowBody[] {
    if (this.nextToClose + this.windowMs > nowMs) return [];
    const resources = sample();
    const closed: WindowBody[] = [];
    while (this.nextToClose + this.windowMs <= nowMs) closed.push(this.take(resources));
    return closed;
  }

  /** Every window up to and including the one holding `nowMs`: the end of the run. */
  takeAll(nowMs: number, sample: () => ResourceSample): WindowBody[] {
    const resources = sample();
    const all = this.takeClosed(nowMs, () => resources);
    const lastStart = Math.max(alignWindow(nowMs, this.windowMs, this.startMs), ...this.open.keys());
    while (this.nextToClose <= lastStart) all.push(this.take(resources));
    return all;
  }

  private take(resources: ResourceSample): WindowBody {
    const start = this.nextToClose;
    const builder = this.open.get(start) ?? new WindowBuilder(start, this.activeVus, this.allocatedVus, this.arrivals, this.flowVus);
    this.open.delete(start);
    this.nextToClose += this.windowMs;
    return builder.build(this.windowMs, resources);
  }

  /** Events that land in an already-closed window go to the oldest open one. */
  private at(atMs: number): WindowBuilder {
    const start = Math.max(alignWindow(atMs, this.windowMs, this.startMs), this.nextToClose);
    let builder = this.open.get(start);
    if (!builder) {
      builder = new WindowBuilder(start, this.activeVus, this.allocatedVus, this.arrivals, this.flowVus);
      this.open.set(start, builder);
    }
    return builder;
  }
}
