// Open-model math: when iterations are due under an arrival rate. Pure, so
// every agent computes the same run-wide schedule and takes its own turns.
import type { ArrivalPlan } from '../protocol/plan.js';
import { curveAt } from './stages.js';

/** Arrivals per ms at `tMs`: linear ramps between stage rates, 0 outside the plan. */
export function rateAt(plan: ArrivalPlan, tMs: number): number {
  return curveAt(plan.startRate, plan.stages, (stage) => stage.rate, tMs) / plan.perMs;
}

/** Arrivals expected from t0 to `tMs`: the integral of the rate. */
export function arrivalsBy(plan: ArrivalPlan, tMs: number): number {
  let from = plan.startRate;
  let stageStart = 0;
  let total = 0;
  for (const stage of plan.stages) {
    const span = Math.min(stage.durationMs, Math.max(0, tMs - stageStart));
    const rateAtSpanEnd = from + ((stage.rate - from) * span) / stage.durationMs;
    total += ((from + rateAtSpanEnd) / 2) * (span / plan.perMs);
    if (span < stage.durationMs) break;
    from = stage.rate;
    stageStart += stage.durationMs;
  }
  return total;
}

/** The instant by which `count` arrivals are expected (the inverse of arrivalsBy), or undefined past the plan's end. */
export function timeOfArrival(plan: ArrivalPlan, count: number): number | undefined {
  let from = plan.startRate / plan.perMs;
  let stageStart = 0;
  let left = count;
  for (const stage of plan.stages) {
    const to = stage.rate / plan.perMs;
    const area = ((from + to) / 2) * stage.durationMs;
    if (left < area) {
      const slope = (to - from) / stage.durationMs;
      // Solves from·x + slope·x²/2 = left in the form that stays exact when slope is near 0.
      const x = (2 * left) / (from + Math.sqrt(Math.max(0, from * from + 2 * slope * left)));
      return stageStart + (Number.isFinite(x) ? x : 0);
    }
    left -= area;
    from = to;
    stageStart += stage.durationMs;
  }
  return undefined;
}

/** A small seeded PRNG (mulberry32): every agent draws the same Poisson arrivals from the run's seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Smooth weighted round-robin (nginx's): turn k of the run goes to the agent
 * with the most credit. After any n turns each agent has had within one of
 * n·weight/total, so every window's share matches the weights.
 */
export class TurnTaker {
  private readonly credit: number[];
  private readonly total: number;

  constructor(private readonly weights: readonly number[]) {
    this.credit = weights.map(() => 0);
    this.total = weights.reduce((a, b) => a + b, 0);
  }

  next(): number {
    let best = 0;
    for (let i = 0; i < this.weights.length; i += 1) {
      this.credit[i]! += this.weights[i]!;
      if (this.credit[i]! > this.credit[best]!) best = i;
    }
    this.credit[best]! -= this.total;
    return best;
  }
}

/**
 * The run's arrivals in order (ms after t0), each with the agent whose turn
 * it is. Uniform: arrival k when k arrivals are due. Poisson: the gaps are
 * exponential in the count of arrivals due, so the rate still follows the plan.
 */
export function* arrivals(plan: ArrivalPlan): Generator<{ atMs: number; agent: number }> {
  const turns = new TurnTaker(plan.share?.weights ?? [1]);
  const random = plan.distribution === 'poisson' ? seededRandom(plan.seed) : undefined;
  let due = random ? -Math.log(1 - random()) : 0;
  for (;;) {
    const atMs = timeOfArrival(plan, due);
    if (atMs === undefined) return;
    yield { atMs, agent: turns.next() };
    due += random ? -Math.log(1 - random()) : 1;
  }
}

/** This agent's own arrivals: the run's, on its turns. */
export function* ownArrivals(plan: ArrivalPlan): Generator<number> {
  const me = plan.share?.index ?? 0;
  for (const arrival of arrivals(plan)) if (arrival.agent === me) yield arrival.atMs;
}

/** The highest rate of a plan (or of a report's account of one), per its own `per`. */
export function peakRate(plan: Pick<ArrivalPlan, 'startRate' | 'stages'>): number {
  return Math.max(plan.startRate, ...plan.stages.map((s) => s.rate));
}
