// Merging windows: across agents for one interval, and across intervals for
// a whole run. Pure; the controller's store and report both build on it.
import type { FlowWindow, StepWindow, WindowBody } from '../protocol/messages.js';
import type { MergedWindow } from '../protocol/merged.js';
import { ErrorTallyBuilder, StepAccumulator } from './step-stats.js';
import { pageViewTable, requestTable } from './request-stats.js';

/** Step accumulators by name, kept in first-seen order. */
export class StepTable {
  readonly steps = new Map<string, StepAccumulator>();

  add(steps: Record<string, StepWindow>): void {
    for (const [name, window] of Object.entries(steps)) this.get(name).addWindow(window);
  }

  get(name: string): StepAccumulator {
    let step = this.steps.get(name);
    if (!step) {
      step = new StepAccumulator();
      this.steps.set(name, step);
    }
    return step;
  }

  toWire(): Record<string, StepWindow> {
    return Object.fromEntries([...this.steps].map(([name, acc]) => [name, acc.toWire()]));
  }
}

/** Adds agents' windows of one interval as they arrive. */
export class MergedWindowBuilder {
  private readonly steps = new StepTable();
  private readonly iterationErrors = new ErrorTallyBuilder();
  private readonly requests = requestTable();
  private readonly pageViews = pageViewTable();
  /** with `dropped` once an arrival-rate window is in */
  private iterations: IterationCounts = { started: 0, completed: 0, failed: 0 };
  private readonly vus = { min: 0, max: 0 };
  /** arrival-rate windows only */
  private allocated: number | undefined;
  private readonly flows = new Map<string, FlowWindow>();
  private agents = 0;
  private saturatedAgents = 0;

  constructor(
    readonly windowStart: number,
    private readonly windowMs: number,
  ) {}

  add(body: WindowBody): void {
    this.addParts(body, 1, body.saturated ? 1 : 0);
  }

  /** A window already merged over some agents (a late agent's window, folded into its interval). */
  addMerged(window: MergedWindow): void {
    this.addParts(window, window.agents, window.saturatedAgents);
  }

  static of(window: MergedWindow): MergedWindowBuilder {
    const builder = new MergedWindowBuilder(window.windowStart, window.windowMs);
    builder.addMerged(window);
    return builder;
  }

  private addParts(body: WindowBody | MergedWindow, agents: number, saturatedAgents: number): void {
    if (body.windowStart !== this.windowStart) throw new Error('windows of different intervals');
    this.steps.add(body.steps);
    this.iterationErrors.addAll(body.iterationErrors);
    this.requests.add(body.requests);
    this.pageViews.add(body.pageViews);
    this.iterations = addCounts(this.iterations, body.iterations);
    this.vus.min += body.vus.min;
    this.vus.max += body.vus.max;
    if (body.vus.allocated !== undefined) this.allocated = (this.allocated ?? 0) + body.vus.allocated;
    for (const [name, counts] of Object.entries(body.flows ?? {})) this.flows.set(name, addFlowCounts(this.flows.get(name), counts));
    this.agents += agents;
    this.saturatedAgents += saturatedAgents;
  }

  build(): MergedWindow {
    const requests = this.requests.toWire();
    const pageViews = this.pageViews.toWire();
    return {
      windowStart: this.windowStart,
      windowMs: this.windowMs,
      steps: this.steps.toWire(),
      iterations: { ...this.iterations },
      iterationErrors: this.iterationErrors.toWire(),
      vus: this.allocated !== undefined ? { ...this.vus, allocated: this.allocated } : { ...this.vus },
      agents: this.agents,
      saturatedAgents: this.saturatedAgents,
      ...(requests ? { requests } : {}),
      ...(pageViews ? { pageViews } : {}),
      ...(this.flows.size > 0 ? { flows: Object.fromEntries(this.flows) } : {}),
    };
  }
}

type IterationCounts = WindowBody['iterations'];

/** Iteration counts added; `dropped` only when either has it (an arrival-rate run's). */
export function addCounts(a: IterationCounts | undefined, b: IterationCounts): IterationCounts {
  const sum = { started: (a?.started ?? 0) + b.started, completed: (a?.completed ?? 0) + b.completed, failed: (a?.failed ?? 0) + b.failed };
  return a?.dropped !== undefined || b.dropped !== undefined ? { ...sum, dropped: (a?.dropped ?? 0) + (b.dropped ?? 0) } : sum;
}

/** One flow's window on two agents: counts, and the VUs busy and kept on each, added. */
export function addFlowCounts(a: FlowWindow | undefined, b: FlowWindow): FlowWindow {
  const sum: FlowWindow = addCounts(a, b);
  for (const key of ['busy', 'allocated'] as const) if (a?.[key] !== undefined || b[key] !== undefined) sum[key] = (a?.[key] ?? 0) + (b[key] ?? 0);
  return sum;
}

/** Every agent's windows of a run, merged per interval, in order of interval. */
export function mergeByInterval(bodies: readonly WindowBody[]): MergedWindow[] {
  const byStart = new Map<number, WindowBody[]>();
  for (const body of bodies) byStart.set(body.windowStart, [...(byStart.get(body.windowStart) ?? []), body]);
  return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, list]) => mergeAgentWindows(list));
}

/** One interval's windows from several agents (all with the same windowStart). */
export function mergeAgentWindows(bodies: readonly WindowBody[]): MergedWindow {
  const first = bodies[0];
  if (!first) throw new Error('mergeAgentWindows needs at least one window');
  const builder = new MergedWindowBuilder(first.windowStart, first.windowMs);
  for (const body of bodies) builder.add(body);
  return builder.build();
}
