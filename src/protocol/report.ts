// report.json: the unified result of one run, versioned. Times are in
// milliseconds; instants are ISO-8601 strings. docs/report-format.md
// describes every field.
import { z } from 'zod';
import { AgentStatusSchema, RunStatusSchema } from './store.js';

export const REPORT_SCHEMA = 'squall.report/v1';

const Count = z.number().int().nonnegative();
const Ms = z.number().nonnegative();

export const ReportStepSchema = z
  .object({
    name: z.string(),
    /** every attempt of the step */
    count: Count,
    /** attempts that threw */
    failed: Count,
    /** latency figures are of the successful attempts */
    min: Ms,
    mean: Ms,
    p50: Ms,
    p90: Ms,
    p95: Ms,
    p99: Ms,
    max: Ms,
    /** attempts per second over the run */
    throughput: z.number().nonnegative(),
    errors: z.array(z.object({ errorClass: z.string(), count: Count, sample: z.string() }).strict()),
  })
  .strict();

export const ReportSeriesPointSchema = z
  .object({
    /** ms from the run's start to the start of this window */
    t: z.number(),
    windowStart: z.number().int(),
    windowMs: z.number().int().positive(),
    /** peak active VUs in the window, summed over agents */
    vus: Count,
    iterations: z.object({ started: Count, completed: Count, failed: Count }).strict(),
    steps: z.record(
      z.string(),
      z.object({ count: Count, failed: Count, p50: Ms, p95: Ms }).strict(),
    ),
  })
  .strict();

export const ReportAgentSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    /** the agent's share of the peak VUs */
    vus: Count,
    /** windows the store holds from it */
    windows: Count,
    status: AgentStatusSchema,
    lostAt: z.string().optional(),
    error: z.string().optional(),
  })
  .strict();

export const ReportSchema = z
  .object({
    schema: z.literal(REPORT_SCHEMA),
    run: z
      .object({
        id: z.string(),
        scenario: z.string(),
        startedAt: z.string(),
        endedAt: z.string().optional(),
        durationMs: Ms,
        status: RunStatusSchema,
        windowMs: z.number().int().positive(),
      })
      .strict(),
    steps: z.array(ReportStepSchema),
    iterations: z
      .object({
        started: Count,
        completed: Count,
        failed: Count,
        errors: z.array(z.object({ errorClass: z.string(), count: Count, sample: z.string() }).strict()),
      })
      .strict(),
    vus: z.object({ max: Count }).strict(),
    series: z.array(ReportSeriesPointSchema),
    agents: z.array(ReportAgentSchema),
  })
  .strict();

export type Report = z.infer<typeof ReportSchema>;
export type ReportStep = z.infer<typeof ReportStepSchema>;
export type ReportSeriesPoint = z.infer<typeof ReportSeriesPointSchema>;
