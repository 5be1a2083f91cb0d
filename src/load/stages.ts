// Load-profile math: how many VUs should be running at time t.
import { isArrivalPlan, isFlowLoadsPlan, type ArrivalPlan, type ClosedPlan, type Plan, type Stage } from '../protocol/plan.js';
import { parseDuration } from './duration.js';

/** A flow-loads plan lasts as long as its longest load. */
export function planDurationMs(plan: Plan): number {
  if (isFlowLoadsPlan(plan)) return Math.max(...plan.loads.map(planDurationMs));
  return plan.stages.reduce((sum, stage) => sum + stage.durationMs, 0);
}

/** The most VUs the plan runs: an arrival plan's maximum; a flow-loads plan's loads together. */
export function peakVus(plan: Plan): number {
  if (isFlowLoadsPlan(plan)) return plan.loads.reduce((sum, load) => sum + peakVus(load), 0);
  if (isArrivalPlan(plan)) return plan.maxVus;
  return Math.max(plan.startVus, ...plan.stages.map((s) => s.target));
}

/**
 * A stage curve's value at `tMs`: linear from `start` (at 0) to each stage's
 * value at its end; 0 before 0 and after the last stage. VU targets and
 * arrival rates both follow one.
 */
export function curveAt<S extends { durationMs: number }>(start: number, stages: readonly S[], valueOf: (stage: S) => number, tMs: number): number {
  if (tMs < 0) return 0;
  let from = start;
  let stageStart = 0;
  for (const stage of stages) {
    const stageEnd = stageStart + stage.durationMs;
    if (tMs < stageEnd) return from + (valueOf(stage) - from) * ((tMs - stageStart) / stage.durationMs);
    from = valueOf(stage);
    stageStart = stageEnd;
  }
  return 0;
}

/** Target VUs at `tMs` after t0: linear ramps between stage targets, 0 after the end. */
export function vusAt(plan: ClosedPlan, tMs: number): number {
  return Math.round(curveAt(plan.startVus, plan.stages, (stage) => stage.target, tMs));
}

/** Index of the stage running at `tMs`, or -1 when the plan is over. */
export function stageAt(plan: ClosedPlan | ArrivalPlan, tMs: number): number {
  let end = 0;
  for (const [index, stage] of plan.stages.entries()) {
    end += stage.durationMs;
    if (tMs < end) return index;
  }
  return -1;
}

export function constantPlan(vus: number, durationMs: number, gracefulStopMs: number): ClosedPlan {
  return { startVus: vus, stages: [{ durationMs, target: vus }], gracefulStopMs };
}

/**
 * Comma-separated duration:value pairs, as --stages and --rate-stages take
 * them. Returns an error string rather than throwing, so callers can name the
 * flag or field it came from. `value` matches the number; `positive`: a stage
 * of 0s is not one.
 */
export function parseDurationPairs(text: string, value: RegExp, what: string, positive = false): Array<{ durationMs: number; value: number }> | string {
  const pairs: Array<{ durationMs: number; value: number }> = [];
  const pattern = new RegExp(`^([^:]+):(${value.source})$`);
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = pattern.exec(part);
    const durationMs = match ? parseDuration(match[1]!) : undefined;
    if (!match || durationMs === undefined || (positive && durationMs <= 0)) {
      return `"${part}" is not a stage; expected duration:${what} like 30s:10, comma-separated`;
    }
    pairs.push({ durationMs, value: Number(match[2]) });
  }
  return pairs;
}

/** Parses "10s:5,30s:5,10s:0" (duration:target pairs), or says what is wrong. */
export function parseStages(text: string): Stage[] | string {
  const pairs = parseDurationPairs(text, /\d+/, 'target');
  return typeof pairs === 'string' ? pairs : pairs.map(({ durationMs, value }) => ({ durationMs, target: value }));
}
