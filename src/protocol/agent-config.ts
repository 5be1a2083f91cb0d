// What the controller hands an agent process: one JSON line on its standard
// input (a local agent, whose stdin is its lifeline), or a file only its user
// can read, which it removes at once (a remote agent, detached from its SSH
// session). Secrets (the token, env values) never appear on a command line.
import { z } from 'zod';

export const AgentConfigSchema = z
  .object({
    controllerUrl: z.string().url(),
    /** a file whose content is the controller's URL: read again before every reconnect, since a re-dialled SSH forward may get another port */
    controllerUrlFile: z.string().optional(),
    token: z.string().min(16),
    runId: z.string().min(1),
    agentId: z.string().min(1),
    scenarioPath: z.string().min(1),
    browserPath: z.string().optional(),
    /** the most VUs this agent will run: sizes its browser pool before it reports ready */
    peakVus: z.number().int().nonnegative().default(1),
    /** an arrival-rate run: VUs (context and page each) to make before reporting ready, `count` numbered from `firstVu` for each arrival load */
    preAllocated: z.array(z.object({ firstVu: z.number().int().positive(), count: z.number().int().positive() }).strict()).default([]),
    /** VU workers to start (a worker thread with its own Chromium each); default: one per 40 VUs, at most one per core */
    vuWorkers: z.number().int().positive().optional(),
    /** the agent's grace: how long it keeps trying to reach a controller it lost before it stops its browsers and exits */
    lostControllerMs: z.number().int().positive().default(60_000),
    heartbeatMs: z.number().int().positive().default(5_000),
  })
  .strict();

export type AgentConfig = z.infer<typeof AgentConfigSchema>;
export type AgentConfigInput = z.input<typeof AgentConfigSchema>;
