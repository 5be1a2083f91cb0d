// The load plan as it travels to agents: durations already in milliseconds.
import { z } from 'zod';

export const StageSchema = z
  .object({
    durationMs: z.number().int().nonnegative(),
    target: z.number().int().nonnegative(),
  })
  .strict();

export const PlanSchema = z
  .object({
    /** VUs running at time zero, before the first stage ramps from there */
    startVus: z.number().int().nonnegative(),
    stages: z.array(StageSchema).min(1),
    /** how long running iterations may finish after the plan ends, before they are interrupted */
    gracefulStopMs: z.number().int().nonnegative(),
  })
  .strict();

export type Stage = z.infer<typeof StageSchema>;
export type Plan = z.infer<typeof PlanSchema>;
