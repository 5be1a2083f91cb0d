// Rows of the run store, as the rest of the code sees them.
import { z } from 'zod';
import { HostFactsSchema } from './messages.js';
import { PlanSchema } from './plan.js';

/** `interrupted` is never stored: it is how a run reads whose controller is gone (controller/store/liveness.ts). */
export const RunStatusSchema = z.enum(['preparing', 'running', 'completed', 'aborted', 'failed', 'interrupted']);
export const AgentStatusSchema = z.enum(['connecting', 'ready', 'running', 'done', 'lost', 'failed']);

export const ThresholdSpecSchema = z
  .object({
    /** "step:<name>", "steps" or "iterations" */
    target: z.string(),
    /** "p95 < 800" */
    expression: z.string(),
    source: z.enum(['scenario', 'cli']),
    /** k6's abortOnFail: the load stops as soon as it fails, judged live on the fleet's windows */
    abortOnFail: z.boolean().optional(),
    /** k6's delayAbortEval: not judged live before this much of the load has run */
    delayAbortEvalMs: z.number().int().nonnegative().optional(),
  })
  .strict();

/** What ended a run's load before its plan did, when a threshold did (store schema 4, `runs.stopped_json`). */
export const StopCauseSchema = z
  .object({
    threshold: ThresholdSpecSchema,
    /** how it came out when it stopped the load: "p95 was 812.4ms, not < 500ms" */
    detail: z.string(),
    /** the failing window's end, ms into the load */
    atMs: z.number().int().nonnegative(),
  })
  .strict();

export const RunConfigSchema = z
  .object({
    /** names only: env values may be secrets */
    envKeys: z.array(z.string()),
    outDir: z.string(),
    browserPath: z.string().optional(),
    thresholds: z.array(ThresholdSpecSchema).default([]),
  })
  .strict();

/** A unique or circular feeder's rows at the end of a run (src/data/lease-book.ts). */
export const FeederAccountSchema = z
  .object({
    /** "<n>:<file name>": the scenario's feeders in the order it made them */
    feeder: z.string(),
    rows: z.number().int().nonnegative(),
    used: z.number().int().nonnegative(),
    left: z.number().int().nonnegative(),
    lostWithHosts: z.number().int().nonnegative(),
    /** epoch ms when a lease first found no row left */
    ranOutAt: z.number().optional(),
  })
  .strict();

export const RunRecordSchema = z
  .object({
    id: z.string(),
    scenario: z.string(),
    scenarioPath: z.string(),
    startedAt: z.number().int(),
    endedAt: z.number().int().optional(),
    status: RunStatusSchema,
    windowMs: z.number().int().positive(),
    plan: PlanSchema,
    config: RunConfigSchema,
    /** the controller process that conducts the run */
    owner: z.object({ host: z.string(), pid: z.number().int() }).strict().optional(),
    /** when that controller last said it is alive, epoch ms */
    heartbeatAt: z.number().int().optional(),
    /** why a failed run failed */
    error: z.string().optional(),
    /** its unique feeders' rows, once the run ended */
    data: z.array(FeederAccountSchema).optional(),
    /** the threshold that stopped its load, if one did */
    stoppedBy: StopCauseSchema.optional(),
  })
  .strict();

export const AgentRecordSchema = z
  .object({
    agentId: z.string(),
    host: z.string(),
    plannedVus: z.number().int().nonnegative(),
    status: AgentStatusSchema,
    facts: HostFactsSchema.optional(),
    chromium: z.string().optional(),
    lostAt: z.number().int().optional(),
    error: z.string().optional(),
    /** times its link to the controller dropped and came back */
    reconnects: z.number().int().nonnegative().default(0),
    /** the longest it was away before coming back, ms */
    longestGapMs: z.number().int().nonnegative().optional(),
    /** the windows its bye said it sent */
    expectedWindows: z.number().int().nonnegative().optional(),
  })
  .strict();

export type RunStatus = z.infer<typeof RunStatusSchema>;
export type AgentStatus = z.infer<typeof AgentStatusSchema>;
export type RunConfig = z.infer<typeof RunConfigSchema>;
export type ThresholdSpec = z.infer<typeof ThresholdSpecSchema>;
export type StopCause = z.infer<typeof StopCauseSchema>;
export type RunRecord = z.infer<typeof RunRecordSchema>;
export type FeederAccount = z.infer<typeof FeederAccountSchema>;
export type AgentRecord = z.infer<typeof AgentRecordSchema>;
export type AgentRecordInput = z.input<typeof AgentRecordSchema>;
