// One interval merged over every agent: what the store keeps per window and
// what reports are built from.
import { z } from 'zod';
import { ErrorTallySchema, StepWindowSchema } from './messages.js';

const Count = z.number().int().nonnegative();

export const MergedWindowSchema = z
  .object({
    windowStart: z.number().int().nonnegative(),
    windowMs: z.number().int().positive(),
    steps: z.record(z.string(), StepWindowSchema),
    iterations: z.object({ started: Count, completed: Count, failed: Count }).strict(),
    iterationErrors: ErrorTallySchema,
    /** summed over agents: each agent's min and max active VUs in the window */
    vus: z.object({ min: Count, max: Count }).strict(),
    /** how many agents' windows are in it */
    agents: Count,
  })
  .strict();

export type MergedWindow = z.infer<typeof MergedWindowSchema>;
