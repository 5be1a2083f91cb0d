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

export const PlanSchema = z.union([ClosedPlanSchema, ArrivalPlanSchema]);

export type Stage = z.infer<typeof StageSchema>;
export type ClosedPlan = z.infer<typeof ClosedPlanSchema>;
export type RateStage = z.infer<typeof RateStageSchema>;
export type ArrivalPlan = z.infer<typeof ArrivalPlanSchema>;
export type Plan = z.infer<typeof PlanSchema>;
export type FlowMix = z.infer<typeof FlowMixSchema>;

export function isArrivalPlan(plan: Plan): plan is ArrivalPlan {
  return 'model' in plan && plan.model === 'arrival';
}
