// The load plan as it travels to agents: durations already in milliseconds.
// A closed plan keeps a number of VUs looping; an arrival plan starts
// iterations on a schedule, on whichever kept VU is free.
import { z } from 'zod';

export const StageSchema = z
  .object({
    durationMs: z.number().int().nonnegative(),
    target: z.number().int().nonnegative(),
  })
  .strict();

/** A scenario's named flows and their weights: each iteration runs one of them, in this mix. Absent: its one `run`. */
export const FlowMixSchema = z.array(z.object({ name: z.string().min(1), weight: z.number().positive() }).strict()).min(1);

export const ClosedPlanSchema = z
  .object({
    /** VUs running at time zero, before the first stage ramps from there */
    startVus: z.number().int().nonnegative(),
    stages: z.array(StageSchema).min(1),
    /** how long running iterations may finish after the plan ends, before they are interrupted */
    gracefulStopMs: z.number().int().nonnegative(),
    flows: FlowMixSchema.optional(),
  })
  .strict();

export const RateStageSchema = z
  .object({
    durationMs: z.number().int().positive(),
    /** arrivals per `perMs` at the stage's end; the rate moves linearly there from the previous one */
    rate: z.number().nonnegative(),
  })
  .strict();

export const ArrivalPlanSchema = z
  .object({
    model: z.literal('arrival'),
    /** the rate's time unit: rate 20 with perMs 1000 is 20 iterations a second */
    perMs: z.number().int().positive(),
    /** the rate at time zero */
    startRate: z.number().nonnegative(),
    stages: z.array(RateStageSchema).min(1),
    /** uniform: evenly spaced; poisson: random gaps, the same rate on average */
    distribution: z.enum(['uniform', 'poisson']),
    /** seeds the Poisson draws, so every agent derives the same run-wide arrivals */
    seed: z.number().int().nonnegative(),
    /** VUs (browser contexts) made before the start */
    preAllocatedVus: z.number().int().nonnegative(),
    /** the most VUs, grown ahead of need; an arrival finding none free is dropped */
    maxVus: z.number().int().positive(),
    /**
     * An agent's part: the rate above is the run's, and arrivals go to agents
     * in turn by weight; this agent takes the turns of `index`. Absent: all.
     */
    share: z.object({ index: z.number().int().nonnegative(), weights: z.array(z.number().positive()).min(1) }).strict().optional(),
    gracefulStopMs: z.number().int().nonnegative(),
    flows: FlowMixSchema.optional(),
  })
  .strict();

/** One load of a run whose flows have loads of their own: it drives exactly the flows of its mix. */
export const LoadPlanSchema = z.union([ClosedPlanSchema.required({ flows: true }), ArrivalPlanSchema.required({ flows: true })]);

/**
 * Flows with their own VUs or rate: one load each, beside (maybe) one load
 * the other flows share by weight. Every load runs from time zero.
 */
export const FlowLoadsPlanSchema = z
  .object({
    model: z.literal('flows'),
    loads: z.array(LoadPlanSchema).min(1),
    /** the longest of the loads' */
    gracefulStopMs: z.number().int().nonnegative(),
  })
  .strict();

export const PlanSchema = z.union([ClosedPlanSchema, ArrivalPlanSchema, FlowLoadsPlanSchema]);

export type Stage = z.infer<typeof StageSchema>;
export type ClosedPlan = z.infer<typeof ClosedPlanSchema>;
export type RateStage = z.infer<typeof RateStageSchema>;
export type ArrivalPlan = z.infer<typeof ArrivalPlanSchema>;
export type LoadPlan = z.infer<typeof LoadPlanSchema>;
export type FlowLoadsPlan = z.infer<typeof FlowLoadsPlanSchema>;
export type Plan = z.infer<typeof PlanSchema>;
/** A plan of one load: closed or arrival. */
export type SinglePlan = ClosedPlan | ArrivalPlan;
export type FlowMix = z.infer<typeof FlowMixSchema>;

export function isArrivalPlan(plan: Plan): plan is ArrivalPlan {
  return 'model' in plan && plan.model === 'arrival';
}

export function isFlowLoadsPlan(plan: Plan): plan is FlowLoadsPlan {
  return 'model' in plan && plan.model === 'flows';
}

/** The plan's loads: its own for a flow-loads plan, else the plan itself. */
export function loadsOf(plan: Plan): SinglePlan[] {
  return isFlowLoadsPlan(plan) ? plan.loads : [plan];
}

/** A flow-loads plan's arrival-rate loads, each with its flows; none for any other plan. */
export function arrivalLoadsOf(plan: Plan): Array<ArrivalPlan & { flows: FlowMix }> {
  return isFlowLoadsPlan(plan) ? plan.loads.flatMap((load) => (isArrivalPlan(load) ? [load] : [])) : [];
}

/** Every flow the plan names, in its loads' order, with its weight within its load. */
export function flowsOfPlan(plan: Plan): FlowMix | undefined {
  if (!isFlowLoadsPlan(plan)) return plan.flows;
  return plan.loads.flatMap((load) => load.flows);
}
