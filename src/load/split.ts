// Deterministic split of a plan's VUs across agents by weight, within caps.
import { isArrivalPlan, isFlowLoadsPlan, loadsOf, type ArrivalPlan, type ClosedPlan, type LoadPlan, type Plan } from '../protocol/plan.js';
import { peakVus } from './stages.js';

export interface AgentShareSpec {
  weight: number;
  maxVus?: number;
}

/**
 * Splits `total` into integer shares proportional to weights (largest
 * remainder, ties to the earlier agent), never above an agent's cap; what a
 * capped agent cannot take goes to the others. Throws when the caps cannot
 * hold the total.
 */
export function splitCount(total: number, agents: readonly AgentShareSpec[]): number[] {
  const shares = agents.map(() => 0);
  let open = agents.map((_, i) => i);
  let remaining = total;
  while (remaining > 0) {
    open = open.filter((i) => shares[i]! < (agents[i]!.maxVus ?? Infinity));
    if (open.length === 0) throw new Error(`cannot place ${total} VUs: the hosts' maxVUs add up to less`);
    const weightSum = open.reduce((sum, i) => sum + agents[i]!.weight, 0);
    const exact = open.map((i) => (remaining * agents[i]!.weight) / weightSum);
    const floors = exact.map(Math.floor);
    let leftover = remaining - floors.reduce((a, b) => a + b, 0);
    const byRemainder = open
      .map((agentIndex, k) => ({ agentIndex, k, rest: exact[k]! - floors[k]! }))
      .sort((a, b) => b.rest - a.rest || a.agentIndex - b.agentIndex);
    for (const entry of byRemainder) {
      if (leftover === 0) break;
      floors[entry.k]! += 1;
      leftover -= 1;
    }
    let placed = 0;
    open.forEach((agentIndex, k) => {
      const room = (agents[agentIndex]!.maxVus ?? Infinity) - shares[agentIndex]!;
      const take = Math.min(room, floors[k]!);
      shares[agentIndex]! += take;
      placed += take;
    });
    remaining -= placed;
  }
  return shares;
}

/**
 * Each agent's own plan: a closed plan's every stage target split the same
 * way; an arrival plan's VUs and turns; a flow-loads plan's each load alike.
 */
export function splitPlan<P extends Plan>(plan: P, agents: readonly AgentShareSpec[]): P[];
export function splitPlan(plan: Plan, agents: readonly AgentShareSpec[]): Plan[] {
  if (isFlowLoadsPlan(plan)) {
    const perLoad = plan.loads.map((load) => {
      try {
        return splitPlan(load, agents) as LoadPlan[];
      } catch (error) {
        throw new Error(`${load.flows.map((flow) => flow.name).join(', ')}: ${(error as Error).message}`);
      }
    });
    return agents.map((_, i) => ({ ...plan, loads: perLoad.map((shares) => shares[i]!) }));
  }
  return isArrivalPlan(plan) ? splitArrivalPlan(plan, agents) : splitClosedPlan(plan, agents);
}

function splitClosedPlan(plan: ClosedPlan, agents: readonly AgentShareSpec[]): ClosedPlan[] {
  const startShares = splitCount(plan.startVus, agents);
  const stageShares = plan.stages.map((stage) => splitCount(stage.target, agents));
  return agents.map((_, i) => ({
    startVus: startShares[i]!,
    stages: plan.stages.map((stage, s) => ({ durationMs: stage.durationMs, target: stageShares[s]![i]! })),
    gracefulStopMs: plan.gracefulStopMs,
    ...(plan.flows ? { flows: plan.flows } : {}),
  }));
}

/**
 * Every agent keeps the run's rate and takes its turns of the arrivals, by
 * weight; VUs split the same way within each host's cap. When a cap binds,
 * turns follow the VUs each agent can hold instead, so a small host is not
 * given arrivals it has no VUs for.
 */
function splitArrivalPlan(plan: ArrivalPlan, agents: readonly AgentShareSpec[]): ArrivalPlan[] {
  if (plan.maxVus < agents.length) {
    throw new Error(`max VUs ${plan.maxVus} cannot be split over ${agents.length} hosts: give each host at least one`);
  }
  const maxShares = splitCount(plan.maxVus, agents);
  const uncapped = splitCount(plan.maxVus, agents.map(({ weight }) => ({ weight })));
  const capsBind = maxShares.some((share, i) => share !== uncapped[i]);
  if (maxShares.some((share) => share === 0)) throw new Error(`max VUs ${plan.maxVus} leaves a host with none: raise it to at least one per host`);
  const preShares = splitCount(plan.preAllocatedVus, agents.map((agent, i) => ({ weight: agent.weight, maxVus: maxShares[i]! })));
  const weights = capsBind ? maxShares : agents.map((agent) => agent.weight);
  return agents.map((_, index) => ({ ...plan, preAllocatedVus: preShares[index]!, maxVus: maxShares[index]!, share: { index, weights } }));
}

/** First VU number of each agent, so VU ids stay unique across the run. */
export function firstVuNumbers(plans: readonly Plan[]): number[] {
  return firstNumbers(plans, 1);
}

/** First VU number of each of an agent's loads, from its own first: each load numbers VUs in a range of its own. */
export function loadFirstVus(plan: Plan, firstVu: number): number[] {
  return firstNumbers(loadsOf(plan), firstVu);
}

/** An arrival load's VUs made before the agent says ready: `count` of them, numbered from `firstVu`. */
export function preAllocatedRanges(plan: Plan, firstVu: number): Array<{ firstVu: number; count: number }> {
  const firsts = loadFirstVus(plan, firstVu);
  return loadsOf(plan).flatMap((load, i) => (isArrivalPlan(load) && load.preAllocatedVus > 0 ? [{ firstVu: firsts[i]!, count: load.preAllocatedVus }] : []));
}

function firstNumbers(plans: readonly Plan[], from: number): number[] {
  let next = from;
  return plans.map((plan) => {
    const first = next;
    next += peakVus(plan);
    return first;
  });
}
