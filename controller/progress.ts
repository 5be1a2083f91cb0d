// The plain progress line printed for each window when there is no dashboard.
import { formatDuration } from '../src/load/duration.js';
import { clock, counted, formatMs } from './format.js';
import { StepAccumulator } from '../src/metrics/step-stats.js';
import type { MergedWindow } from '../src/protocol/merged.js';
import { isArrivalPlan, isFlowLoadsPlan, type Plan, type SinglePlan } from '../src/protocol/plan.js';
import { peakRate } from '../src/load/arrival.js';
import { peakVus, planDurationMs } from '../src/load/stages.js';

/**
 * One line: time into the run, VUs, steps and their rate, failures, and the
 * p95 of every step (the slowest first) so a regression shows at a glance.
 */
export function progressLine(window: MergedWindow, runStartMs: number, lateAgents: readonly string[] = []): string {
  const steps = Object.entries(window.steps).map(([name, stats]) => ({ name, stats, acc: StepAccumulator.of(stats) }));
  const attempts = steps.reduce((sum, s) => sum + s.stats.count, 0);
  const failed = steps.reduce((sum, s) => sum + s.stats.failed, 0);
  const rate = attempts / (window.windowMs / 1000);
  const end = window.windowStart + window.windowMs - runStartMs;
  const parts = [
    `[${clock(Math.max(0, end)).padStart(5)}]`,
    window.vus.allocated !== undefined ? `vus ${window.vus.max} busy of ${window.vus.allocated}` : `vus ${window.vus.max}`,
    `steps ${attempts} (${rate.toFixed(1)}/s)`,
    `failed ${failed}${attempts > 0 ? ` (${((100 * failed) / attempts).toFixed(1)}%)` : ''}`,
    `iterations ${window.iterations.started} started ${window.iterations.completed} completed`,
  ];
  if (window.iterations.dropped !== undefined) parts.push(`${window.iterations.dropped} dropped`);
  if (window.flows) parts.push(`flows ${Object.entries(window.flows).map(([name, counts]) => `${name} ${counts.started}${counts.dropped ? ` (${counts.dropped} dropped)` : ''}`).join(', ')}`);
  const byP95 = steps
    .filter((s) => s.acc.succeeded > 0)
    .sort((a, b) => b.acc.percentile(0.95) - a.acc.percentile(0.95))
    .map((s) => `${s.name} ${formatMs(s.acc.percentile(0.95))}`);
  if (byP95.length > 0) parts.push(`p95: ${byP95.join(', ')}`);
  if (window.saturatedAgents > 0) parts.push(`SATURATED agents: ${window.saturatedAgents} of ${window.agents} (numbers distorted)`);
  if (lateAgents.length > 0) parts.push(`(no data yet from ${lateAgents.join(', ')})`);
  return parts.join('  ');
}

export function describePlanLine(scenario: string, plan: Plan, agents: number): string {
  const loads = isFlowLoadsPlan(plan) ? plan.loads.map((load) => `${load.flows.map((f) => f.name).join('+')} ${describeLoad(load)}`).join('; ') : describeLoad(plan);
  return `running "${scenario}": ${loads} for ${formatDuration(planDurationMs(plan))} on ${counted(agents, 'agent')}`;
}

/** "3 stages up to 20/s (uniform arrivals, 20 VUs pre-allocated, at most 200)", "10 VUs" */
export function describeLoad(plan: SinglePlan): string {
  const stages = plan.stages.length;
  const peak = isArrivalPlan(plan) ? rateText(peakRate(plan), plan.perMs) : `${peakVus(plan)} VUs`;
  const profile = stages > 1 ? `${stages} stages up to ${peak}` : peak;
  const sizing = isArrivalPlan(plan) ? ` (${plan.distribution} arrivals, ${plan.preAllocatedVus} VUs pre-allocated, at most ${plan.maxVus})` : '';
  return `${profile}${sizing}`;
}

/** "20/s", "300/1m" */
export function rateText(rate: number, perMs: number): string {
  const unit = perMs === 1000 ? 's' : formatDuration(perMs);
  return `${Number(rate.toFixed(3))}/${unit}`;
}
