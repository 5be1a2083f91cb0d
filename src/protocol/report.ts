// report.json: the unified result of one run, versioned. Times are in
// milliseconds; instants are ISO-8601 strings. docs/report-format.md
// describes every field.
import { z } from 'zod';
import { VITALS } from '../metrics/vitals.js';
import { FlowWindowSchema, StatusClassSchema } from './messages.js';
import { AgentStatusSchema, RunStatusSchema, StopCauseSchema, ThresholdSpecSchema } from './store.js';

export const REPORT_SCHEMA = 'squall.report/v1';

const Count = z.number().int().nonnegative();
const Ms = z.number().nonnegative();

/** `dropped`: arrival-rate runs only, arrivals that found no free VU */
const IterationCountsSchema = z.object({ started: Count, completed: Count, failed: Count, dropped: Count.optional() }).strict();

export const ReportErrorSchema = z
  .object({ errorClass: z.string(), count: Count, sample: z.string() })
  .strict();

/** Latency figures of one step over some span: of its successful attempts. */
export const StepLatencySchema = z
  .object({
    /** every attempt of the step */
    count: Count,
    /** attempts that threw */
    failed: Count,
    p50: Ms,
    p90: Ms,
    p95: Ms,
    p99: Ms,
    max: Ms,
  })
  .strict();

export const ReportStepSchema = StepLatencySchema.extend({
  name: z.string(),
  min: Ms,
  mean: Ms,
  /** attempts per second over the run */
  throughput: z.number().nonnegative(),
  errors: z.array(ReportErrorSchema),
}).strict();

/** A distribution's figures over some span: of the values recorded (a phase that did not happen records none). */
export const DistributionSummarySchema = z
  .object({ count: Count, mean: z.number().nonnegative(), p50: z.number().nonnegative(), p75: z.number().nonnegative(), p95: z.number().nonnegative(), p99: z.number().nonnegative(), max: z.number().nonnegative() })
  .strict();

const StatusCountsSchema = z.partialRecord(StatusClassSchema, Count);

/** The requests of one URL label (or group) over the run. */
export const ReportRequestSchema = z
  .object({
    label: z.string(),
    count: Count,
    statuses: StatusCountsSchema,
    bytes: Count,
    cached: Count,
    /** requests made during each step */
    steps: z.record(z.string(), Count),
    /** by method (window format 5 and later; absent for older runs) */
    methods: z.record(z.string(), Count).optional(),
    /** failed ones by the browser's reason (window format 5 and later) */
    errors: z.record(z.string(), Count).optional(),
    /** answered by a service worker (window format 5 and later) */
    serviceWorker: Count.optional(),
    dns: DistributionSummarySchema.optional(),
    connect: DistributionSummarySchema.optional(),
    tls: DistributionSummarySchema.optional(),
    ttfb: DistributionSummarySchema.optional(),
    download: DistributionSummarySchema.optional(),
    total: DistributionSummarySchema.optional(),
  })
  .strict();

export const VitalBandSchema = z.enum(['good', 'needs-improvement', 'poor']);

/** One Web Vital over some page views: its figures, and the band of its p75 (how Google assesses a page). */
export const ReportVitalSchema = DistributionSummarySchema.extend({ band: VitalBandSchema }).strict();
const VitalsSchema = z.partialRecord(z.enum(VITALS), ReportVitalSchema);

export const ReportPageViewsSchema = z
  .object({
    views: Count,
    vitals: VitalsSchema,
    /** by the step each page view began in */
    steps: z.array(z.object({ step: z.string(), views: Count, vitals: VitalsSchema }).strict()),
  })
  .strict();

/** A failed step's evidence; `screenshot` is a file beside report.json (report.html embeds it). */
export const ReportEvidenceSchema = z
  .object({
    agent: z.string(),
    step: z.string(),
    errorClass: z.string(),
    message: z.string(),
    at: z.string(),
    vu: Count,
    iteration: Count,
    url: z.string(),
    consoleErrors: z.array(z.string()),
    failedRequests: z.array(z.object({ url: z.string(), status: Count, error: z.string().optional() }).strict()),
    screenshot: z.string().optional(),
  })
  .strict();

/** Per window, per label: what the dashboard and requests.csv show. */
export const ReportSeriesRequestSchema = z
  .object({ count: Count, statuses: StatusCountsSchema, ttfbP50: Ms, ttfbP95: Ms, totalP50: Ms, totalP95: Ms })
  .strict();

export const ReportSeriesPointSchema = z
  .object({
    /** ms from the run's start to the start of this window */
    t: z.number(),
    windowStart: z.number().int(),
    windowMs: z.number().int().positive(),
    /** peak active VUs in the window, summed over agents */
    vus: Count,
    iterations: IterationCountsSchema,
    /** arrival-rate runs: the most VUs kept (busy or free), summed over agents; `vus` counts the busy ones */
    allocatedVus: Count.optional(),
    /** arrival-rate runs: the plan's rate over this window, per second */
    targetRate: z.number().nonnegative().optional(),
    /** named flows: the iterations of each */
    flows: z.record(z.string(), FlowWindowSchema).optional(),
    steps: z.record(z.string(), StepLatencySchema),
    /** agents whose host was saturated in this window: their numbers are distorted */
    saturatedAgents: Count,
    /** requests by label, when the run collected them */
    requests: z.record(z.string(), ReportSeriesRequestSchema).optional(),
    /** page views' vitals by step: count and p75 of each */
    vitals: z.record(z.string(), z.partialRecord(z.enum(VITALS), z.object({ count: Count, p75: z.number().nonnegative() }).strict())).optional(),
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
    /** of those, the windows its saturation guard marked (CPU over 85 % or a lagging event loop, two windows running) */
    saturatedWindows: Count,
    /** of those, the windows it had to trim to fit one message: some of their steps or request detail are missing */
    trimmedWindows: Count.default(0),
    status: AgentStatusSchema,
    lostAt: z.string().optional(),
    error: z.string().optional(),
    /** times its link to the controller dropped and came back (an SSH blip within the agent's grace) */
    reconnects: Count.default(0),
    /** the longest it was away before it came back */
    longestGapMs: Ms.optional(),
    /** a lost agent: what it never delivered */
    loss: z
      .object({
        /** end of the last window the store has from it */
        lastWindowEnd: z.string().optional(),
        /** windows it never delivered: from its bye when it said one (exact), else estimated from when it was lost */
        undeliveredWindows: Count,
        exact: z.boolean(),
        /** the most iterations whose steps can be missing: one per VU under way, and its peak VUs times the most iterations one VU started in a window, per undelivered window; absent when it delivered no window to go by */
        iterationsAtMost: Count.optional(),
      })
      .strict()
      .optional(),
    /** what this host measured, step by step */
    steps: z.array(StepLatencySchema.extend({ name: z.string() }).strict()),
    iterations: IterationCountsSchema,
    /** the host's own load while it ran: high CPU distorts its numbers */
    resources: z
      .object({
        cpuMeanPct: z.number().nonnegative(),
        cpuMaxPct: z.number().nonnegative(),
        agentRssMaxMb: z.number().nonnegative(),
        loopLagMaxMs: z.number().nonnegative(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** One named flow over the run: its share of the iterations, asked and started. */
export const ReportFlowSchema = z
  .object({
    name: z.string(),
    /** a flow sharing a load by weight; absent for a flow with a load of its own */
    weight: z.number().positive().optional(),
    /** its weight's share of the weights of the flows sharing its load, % */
    askedPct: z.number().nonnegative().optional(),
    /** its share of the started iterations of the flows sharing its load (of all flows, for a flow with its own load), % */
    startedPct: z.number().nonnegative(),
    /** a flow with a load of its own: what it was, e.g. "5 VUs", "2/s (uniform arrivals, 2 VUs pre-allocated, at most 20)" */
    load: z.string().optional(),
    started: Count,
    completed: Count,
    failed: Count,
    dropped: Count.optional(),
    /** the most of its iterations running at once in a window (window format 4) */
    busyMax: Count.optional(),
    /** the most VUs its load kept (a run whose flows have loads of their own) */
    allocatedMax: Count.optional(),
  })
  .strict();

export const DROP_REASONS = ['max-vus', 'saturated', 'growing'] as const;

export const ReportArrivalSchema = z
  .object({
    /** the rate's unit; rates below are per it, as asked */
    perMs: z.number().int().positive(),
    startRate: z.number().nonnegative(),
    stages: z.array(z.object({ durationMs: Ms, rate: z.number().nonnegative() }).strict()),
    distribution: z.enum(['uniform', 'poisson']),
    preAllocatedVus: Count,
    maxVus: Count,
    /** arrivals the schedule holds (with Poisson arrivals, their expected number) */
    expected: Count,
    /** arrivals the agents reached: started + dropped */
    scheduled: Count,
    started: Count,
    dropped: Count,
    droppedPct: z.number().nonnegative(),
    /** per second over the schedule: asked for on average, and started */
    targetRate: z.number().nonnegative(),
    achievedRate: z.number().nonnegative(),
    /** the most VUs kept at once, over all agents */
    allocatedMax: Count,
    /** when the first dropped arrival was due */
    firstDropAt: z.string().optional(),
    /** why arrivals were dropped: every VU busy at the maximum, the host out of CPU, or VUs still being made */
    dropReasons: z.array(z.enum(DROP_REASONS)),
    /** arrivals of lost agents after they were lost: neither started nor dropped, and not given to the others */
    notRun: z.object({ count: Count, agents: z.array(z.string()) }).strict().optional(),
  })
  .strict();

export const ThresholdResultSchema = ThresholdSpecSchema.extend({
  /** the measured value, in the expression's unit (ms, %, count, /s); absent when there was nothing to measure */
  actual: z.number().optional(),
  passed: z.boolean(),
  /** how it came out, in words: "p95 was 812.4ms" */
  detail: z.string(),
}).strict();

/** A unique (or circular) feeder's rows: what the run used, what is left, when they ran out. */
export const ReportDataSchema = z
  .object({
    /** the data file as the scenario imports it */
    file: z.string(),
    /** "<n>:<file>": which of the scenario's feeders, in the order it made them */
    feeder: z.string(),
    rows: Count,
    /** rows handed out (with those of blocks a lost host had started: lostWithHosts) */
    used: Count,
    /** rows never handed out, free for another run */
    left: Count,
    lostWithHosts: Count,
    /** ms from the run's start when a VU first found no row left */
    ranOutAtMs: Ms.optional(),
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
        /** its controller stopped before the run ended (status interrupted), or its disk refused writes (the run exited 3): the report holds the windows the store had received */
        partial: z.boolean().default(false),
        /** an abortOnFail threshold failed and stopped the load (exit code 4): which, how, and when (ms into the load) */
        stoppedBy: StopCauseSchema.optional(),
      })
      .strict(),
    steps: z.array(ReportStepSchema),
    iterations: IterationCountsSchema.extend({ errors: z.array(ReportErrorSchema) }).strict(),
    /** an arrival-rate run: the rate asked for and what was held */
    arrival: ReportArrivalSchema.optional(),
    /** a run whose flows have loads of their own: each arrival-rate load's account, naming its flows */
    arrivals: z.array(ReportArrivalSchema.extend({ flows: z.array(z.string()).min(1) })).optional(),
    /** a scenario with named flows: the mix asked and achieved; their steps are named "<flow>/<step>" */
    flows: z.array(ReportFlowSchema).optional(),
    vus: z.object({ max: Count }).strict(),
    /** every error class of the run, most frequent first; step is absent for errors outside steps */
    errors: z.array(ReportErrorSchema.extend({ step: z.string().optional() }).strict()),
    thresholds: z.array(ThresholdResultSchema),
    series: z.array(ReportSeriesPointSchema),
    agents: z.array(ReportAgentSchema),
    /** requests by URL label, most made first; absent when the run collected none (collection off, or a run from before it existed) */
    requests: z.array(ReportRequestSchema).optional(),
    /** Web Vitals of the run's page views; absent like requests */
    pageViews: ReportPageViewsSchema.optional(),
    /** failed steps' evidence, oldest first */
    evidence: z.array(ReportEvidenceSchema).default([]),
    /** the scenario's unique and circular feeders; absent when it has none */
    data: z.array(ReportDataSchema).optional(),
  })
  .strict();

export type Report = z.infer<typeof ReportSchema>;
export type ReportArrival = z.infer<typeof ReportArrivalSchema>;
export type ReportFlow = z.infer<typeof ReportFlowSchema>;
export type DropReason = (typeof DROP_REASONS)[number];
export type ReportStep = z.infer<typeof ReportStepSchema>;
export type ReportSeriesPoint = z.infer<typeof ReportSeriesPointSchema>;
export type ReportAgent = z.infer<typeof ReportAgentSchema>;
export type DistributionSummary = z.infer<typeof DistributionSummarySchema>;
export type ReportRequest = z.infer<typeof ReportRequestSchema>;
export type ReportVital = z.infer<typeof ReportVitalSchema>;
export type ReportPageViews = z.infer<typeof ReportPageViewsSchema>;
export type ReportEvidence = z.infer<typeof ReportEvidenceSchema>;
export type ReportData = z.infer<typeof ReportDataSchema>;
export type ThresholdResult = z.infer<typeof ThresholdResultSchema>;
