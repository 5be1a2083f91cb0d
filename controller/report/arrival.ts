// An arrival-rate run's account: the rate asked for, what was started, what
// was dropped since when and why, and what lost agents never ran. Pure.
import { arrivalsBy } from '../../src/load/arrival.js';
import { planDurationMs } from '../../src/load/stages.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import { addCounts } from '../../src/metrics/merge.js';
import { arrivalLoadsOf, type ArrivalPlan, type FlowLoadsPlan } from '../../src/protocol/plan.js';
import type { DropReason, ReportArrival } from '../../src/protocol/report.js';
import type { AgentRecord } from '../../src/protocol/store.js';
import { clock } from '../format.js';
import { round, sharePct } from './numbers.js';
import { maxOf } from '../../src/max-of.js';

export interface ArrivalInput {
  plan: ArrivalPlan;
  windows: readonly MergedWindow[];
  /** each agent's own windows: why it dropped is a per-host question */
  byAgent: ReadonlyMap<string, readonly WindowBody[]>;
  agents: readonly AgentRecord[];
}

/**
 * A run whose flows have loads of their own: each arrival-rate load's account,
 * from its flows' counts and the VUs its flows' windows say it kept.
 */
export function flowLoadArrivals(plan: FlowLoadsPlan, input: Omit<ArrivalInput, 'plan'>): Array<ReportArrival & { flows: string[] }> {
  return arrivalLoadsOf(plan).map((load) => {
    const names = load.flows.map((flow) => flow.name);
    const byAgent = new Map([...input.byAgent].map(([agent, bodies]) => [agent, bodies.map((body) => ofFlows(body, names))]));
    // What an agent kept for this load at most stands in for its share of the load's max VUs, which the store does not keep.
    const agents = input.agents.map((agent) => ({ ...agent, plannedVus: Math.max(1, maxOf((byAgent.get(agent.agentId) ?? []).map((body) => body.vus.allocated ?? 0))) }));
    return { ...arrivalSection({ plan: load, windows: input.windows.map((w) => ofFlows(w, names)), byAgent, agents }), flows: names };
  });
}

/** A window as if it held only these flows: their iterations, and the VUs their load kept. */
function ofFlows<W extends MergedWindow | WindowBody>(window: W, names: readonly string[]): W {
  const counts = names.map((name) => window.flows?.[name]).filter((c) => c !== undefined);
  const iterations = counts.reduce<WindowBody['iterations']>((sum, c) => addCounts(sum, c), { started: 0, completed: 0, failed: 0, dropped: 0 });
  return { ...window, iterations, vus: { ...window.vus, allocated: Math.max(0, ...counts.map((c) => c.allocated ?? 0)) } };
}

export function arrivalSection({ plan, windows, byAgent, agents }: ArrivalInput): ReportArrival {
  const durationMs = planDurationMs(plan);
  const expected = Math.round(arrivalsBy(plan, durationMs));
  const started = windows.reduce((sum, w) => sum + w.iterations.started, 0);
  const dropped = windows.reduce((sum, w) => sum + (w.iterations.dropped ?? 0), 0);
  const scheduled = started + dropped;
  const firstDrop = windows.find((w) => (w.iterations.dropped ?? 0) > 0);
  const lost = agents.filter((a) => a.status === 'lost');
  const seconds = durationMs / 1000;
  return {
    perMs: plan.perMs,
    startRate: plan.startRate,
    stages: plan.stages.map((s) => ({ durationMs: s.durationMs, rate: s.rate })),
    distribution: plan.distribution,
    preAllocatedVus: plan.preAllocatedVus,
    maxVus: plan.maxVus,
    expected,
    scheduled,
    started,
    dropped,
    droppedPct: sharePct(dropped, scheduled),
    targetRate: round(expected / seconds),
    achievedRate: round(started / seconds),
    allocatedMax: Math.max(0, maxOf(windows.map((w) => w.vus.allocated ?? 0))),
    ...(firstDrop ? { firstDropAt: new Date(firstDrop.windowStart).toISOString() } : {}),
    dropReasons: dropReasons(agents, byAgent),
    // Poisson arrivals vary around their mean: what lost agents did not run is only exact for uniform ones.
    ...(lost.length > 0 ? { notRun: { count: Math.max(0, expected - scheduled), agents: lost.map((a) => a.host) } } : {}),
  };
}

/** A window's drops on a host: all its VUs were busy at its maximum, or its CPU was out, or it was still making VUs. */
function dropReasons(agents: readonly AgentRecord[], byAgent: ReadonlyMap<string, readonly WindowBody[]>): DropReason[] {
  const reasons = new Set<DropReason>();
  for (const agent of agents) {
    for (const body of byAgent.get(agent.agentId) ?? []) {
      if ((body.iterations.dropped ?? 0) === 0) continue;
      if ((body.vus.allocated ?? 0) >= agent.plannedVus) reasons.add('max-vus');
      else if (body.saturated) reasons.add('saturated');
      else reasons.add('growing');
    }
  }
  return [...reasons];
}

/** The plan's rate over one window, per second: what the dashboard and the series set beside the achieved rate. */
export function targetRateOver(plan: ArrivalPlan, runStartedAt: number, windowStart: number, windowMs: number): number {
  const from = windowStart - runStartedAt;
  return round(((arrivalsBy(plan, from + windowMs) - arrivalsBy(plan, Math.max(0, from))) * 1000) / windowMs);
}

const REASON_TEXT: Record<DropReason, string> = {
  'max-vus': 'every VU was busy at the maximum (raise vus.max, or the site is too slow for this rate)',
  saturated: 'the load host ran out of CPU (use more hosts or fewer VUs each: squall calibrate)',
  growing: 'VUs were still being made (raise vus.preAllocated)',
};

/** The run's arrivals in plain words: held, or how many dropped, since when, and why. */
export function arrivalText(arrival: ReportArrival, runStartedAt: number): string[] {
  const lines: string[] = [];
  if (arrival.dropped === 0) {
    lines.push(`arrival rate held: ${arrival.started} iterations started (${arrival.achievedRate}/s of ${arrival.targetRate}/s asked), none dropped; at most ${arrival.allocatedMax} VUs kept`);
  } else {
    const since = arrival.firstDropAt ? ` from ${clock(Math.max(0, Date.parse(arrival.firstDropAt) - runStartedAt))}` : '';
    lines.push(
      `arrival rate NOT held: ${arrival.dropped} of ${arrival.scheduled} arrivals dropped (${arrival.droppedPct}%)${since}; ` +
        `${arrival.started} started (${arrival.achievedRate}/s of ${arrival.targetRate}/s asked), at most ${arrival.allocatedMax} of ${arrival.maxVus} VUs kept`,
    );
    for (const reason of arrival.dropReasons) lines.push(`  because ${REASON_TEXT[reason]}`);
  }
  if (arrival.notRun) {
    lines.push(`  ${arrival.notRun.count} arrivals were never run: ${arrival.notRun.agents.join(', ')} lost, and a lost host's share is not given to the others`);
  }
  return lines;
}
