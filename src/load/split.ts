// Deterministic split of a plan's VUs across agents by weight, within caps.
import type { Plan } from '../protocol/plan.js';

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

/** Each agent's own plan: every stage target split the same way. */
export function splitPlan(plan: Plan, agents: readonly AgentShareSpec[]): Plan[] {
  const startShares = splitCount(plan.startVus, agents);
  const stageShares = plan.stages.map((stage) => splitCount(stage.target, agents));
  return agents.map((_, i) => ({
    startVus: startShares[i]!,
    stages: plan.stages.map((stage, s) => ({ durationMs: stage.durationMs, target: stageShares[s]![i]! })),
    gracefulStopMs: plan.gracefulStopMs,
  }));
}

/** First VU number of each agent, so VU ids stay unique across the run. */
export function firstVuNumbers(plans: readonly Plan[]): number[] {
  let next = 1;
  return plans.map((plan) => {
    const first = next;
    next += Math.max(plan.startVus, ...plan.stages.map((s) => s.target));
    return first;
  });
}
