// A long run's windows folded into at most MAX_SERIES_POINTS spans, read one
// window at a time: the report of a week of 2 s windows from ten agents (three
// million windows) holds a few thousand spans, not the windows. Counts, sums
// and histograms add exactly, so every total, percentile and threshold is what
// the windows give; only the series gets coarser (and an agent's resources:
// CPU is averaged per span, the maxima kept). A run with fewer windows than
// the limit keeps them as they are.
import type { WindowBody } from '../protocol/messages.js';
import type { MergedWindow } from '../protocol/merged.js';
import { MergedWindowBuilder } from './merge.js';

export const MAX_SERIES_POINTS = 5000;

/** Agents' spans a report holds at most: a wide run (hundreds of agents) gets longer spans too. */
export const MAX_AGENT_SPANS = 100_000;

/** How many windows each span holds for a run of `windows` intervals (from `agents` agents). */
export function spanFactor(windows: number, maxPoints: number = MAX_SERIES_POINTS, agents = 1): number {
  return Math.max(1, Math.ceil(windows / maxPoints), Math.ceil((windows * agents) / MAX_AGENT_SPANS));
}

/** Windows of one span (several intervals) added: steps, counts and tallies summed, VUs and agents at their most. */
export class SpanBuilder {
  private readonly merged: MergedWindowBuilder;
  private vusMin = Infinity;
  private vusMax = 0;
  private allocated: number | undefined;
  private agents = 0;
  private saturatedAgents = 0;
  /** each flow's most busy and most kept VUs in one of the span's windows (busy only when a window said it) */
  private readonly flows = new Map<string, { busy: number | undefined; allocated: number }>();
  private windows = 0;
  private cpuSum = 0;
  private agentCpuSum = 0;
  private rssMax = 0;
  private memMax = 0;
  private lagMax = 0;
  private saturated = false;
  private trimmed = 0;

  constructor(
    readonly windowStart: number,
    private readonly windowMs: number,
  ) {
    this.merged = new MergedWindowBuilder(windowStart, windowMs);
  }

  add(body: WindowBody | MergedWindow): void {
    this.merged.add({ ...(body as WindowBody), windowStart: this.windowStart });
    this.windows += 1;
    this.vusMin = Math.min(this.vusMin, body.vus.min);
    this.vusMax = Math.max(this.vusMax, body.vus.max);
    if (body.vus.allocated !== undefined) this.allocated = Math.max(this.allocated ?? 0, body.vus.allocated);
    for (const [name, flow] of Object.entries(body.flows ?? {})) {
      const most = this.flows.get(name);
      const busy = flow.busy === undefined ? most?.busy : Math.max(most?.busy ?? 0, flow.busy);
      this.flows.set(name, { busy, allocated: Math.max(most?.allocated ?? 0, flow.allocated ?? 0) });
    }
    if ('agents' in body) {
      this.agents = Math.max(this.agents, body.agents);
      this.saturatedAgents = Math.max(this.saturatedAgents, body.saturatedAgents);
      return;
    }
    const { resources } = body;
    this.cpuSum += resources.hostCpuPct;
    this.agentCpuSum += resources.agentCpuPct;
    this.rssMax = Math.max(this.rssMax, resources.agentRssMb);
    this.memMax = Math.max(this.memMax, resources.hostMemUsedPct);
    this.lagMax = Math.max(this.lagMax, resources.loopLagMs);
    this.saturated ||= body.saturated;
    this.trimmed += body.trimmed ?? 0;
  }

  /** The span as one merged window (of the whole span's length). */
  buildMerged(): MergedWindow {
    const built = this.merged.build();
    const flows = built.flows && Object.fromEntries(Object.entries(built.flows).map(([name, counts]) => [name, this.flowOf(name, counts)]));
    return {
      ...built,
      windowMs: this.windowMs,
      vus: { min: this.vusMin === Infinity ? 0 : this.vusMin, max: this.vusMax, ...(this.allocated !== undefined ? { allocated: this.allocated } : {}) },
      agents: this.agents,
      saturatedAgents: this.saturatedAgents,
      ...(flows ? { flows } : {}),
    };
  }

  /** The span as one agent's window: CPU averaged over its windows, the other resources at their most. */
  buildAgent(): WindowBody {
    const { agents: _agents, saturatedAgents: _saturated, ...merged } = this.buildMerged();
    return {
      ...merged,
      resources: {
        hostCpuPct: this.cpuSum / Math.max(1, this.windows),
        agentCpuPct: this.agentCpuSum / Math.max(1, this.windows),
        agentRssMb: this.rssMax,
        hostMemUsedPct: this.memMax,
        loopLagMs: this.lagMax,
      },
      saturated: this.saturated,
      ...(this.trimmed > 0 ? { trimmed: this.trimmed } : {}),
    };
  }

  private flowOf(name: string, counts: NonNullable<MergedWindow['flows']>[string]) {
    const most = this.flows.get(name);
    const { busy: _busy, allocated: _allocated, ...sums } = counts;
    return {
      ...sums,
      ...(most?.busy !== undefined ? { busy: most.busy } : {}),
      ...(counts.allocated !== undefined ? { allocated: most?.allocated ?? 0 } : {}),
    };
  }
}

/**
 * Folds windows given in order of windowStart into spans of `factor`
 * windows, aligned to `origin`, and hands each span on (`build` makes it a
 * merged or an agent's window) as soon as a later one begins. With factor 1
 * the windows go on as they are.
 */
export class SpanFolder<T extends WindowBody | MergedWindow> {
  private current: SpanBuilder | undefined;

  constructor(
    private readonly origin: number,
    private readonly windowMs: number,
    private readonly factor: number,
    private readonly build: (span: SpanBuilder) => T,
    private readonly done: (span: T) => void,
  ) {}

  add(body: T): void {
    if (this.factor === 1) return this.done(body);
    const spanMs = this.windowMs * this.factor;
    const start = this.origin + Math.floor((body.windowStart - this.origin) / spanMs) * spanMs;
    if (this.current && this.current.windowStart !== start) this.flush();
    this.current ??= new SpanBuilder(start, spanMs);
    this.current.add(body);
  }

  flush(): void {
    if (this.current) this.done(this.build(this.current));
    this.current = undefined;
  }
}

export const mergedSpan = (span: SpanBuilder): MergedWindow => span.buildMerged();
export const agentSpan = (span: SpanBuilder): WindowBody => span.buildAgent();

/** What a report needs of one agent's windows that spans would blur: how many there were, and their extremes. */
export class AgentTally {
  windows = 0;
  saturatedWindows = 0;
  trimmedWindows = 0;
  lastEnd: number | undefined;
  /** the most iterations one VU started in a window */
  perVuMax = 0;
  cpuMax = 0;
  cpuSum = 0;

  add(body: WindowBody): void {
    this.windows += 1;
    if (body.saturated) this.saturatedWindows += 1;
    if ((body.trimmed ?? 0) > 0) this.trimmedWindows += 1;
    this.lastEnd = Math.max(this.lastEnd ?? -Infinity, body.windowStart + body.windowMs);
    this.perVuMax = Math.max(this.perVuMax, body.iterations.started / Math.max(1, body.vus.max));
    this.cpuMax = Math.max(this.cpuMax, body.resources.hostCpuPct);
    this.cpuSum += body.resources.hostCpuPct;
  }
}
