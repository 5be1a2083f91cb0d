// What the controller hands an agent process on its standard input: one
// JSON line. Secrets (the token, env values) never appear on a command line.
import { z } from 'zod';

export const AgentConfigSchema = z
  .object({
    controllerUrl: z.string().url(),
    token: z.string().min(16),
    runId: z.string().min(1),
    agentId: z.string().min(1),
    scenarioPath: z.string().min(1),
    browserPath: z.string().optional(),
    /** the most VUs this agent will run: sizes its browser pool before it reports ready */
    peakVus: z.number().int().nonnegative().default(1),
    /** VU workers to start (a worker thread with its own Chromium each); default: one per 40 VUs, at most one per core */
    vuWorkers: z.number().int().positive().optional(),
    /** how long the agent keeps trying to reach a controller it lost before it stops */
    lostControllerMs: z.number().int().positive().default(30_000),
    heartbeatMs: z.number().int().positive().default(5_000),
  })
  .strict();

export type AgentConfig = z.infer<typeof AgentConfigSchema>;
export type AgentConfigInput = z.input<typeof AgentConfigSchema>;
