// One interval merged over every agent: what the store keeps per window and
// what reports are built from. Same shape as an agent's window, without the
// agent's own resource sample, plus how many agents it covers.
import { z } from 'zod';
import { WindowBodySchema } from './messages.js';

export const MergedWindowSchema = WindowBodySchema.omit({ resources: true, saturated: true, trimmed: true })
  .extend({
    /** how many agents' windows are in it; vus are summed over them */
    agents: z.number().int().nonnegative(),
    /** how many of them were saturated */
    saturatedAgents: z.number().int().nonnegative().default(0),
  })
  .strict();

export type MergedWindow = z.infer<typeof MergedWindowSchema>;
