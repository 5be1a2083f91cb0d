// The wire protocol between agents and the controller. Every message that
// crosses a WebSocket is validated here; the TypeScript types are inferred.
import { z } from 'zod';
import { PlanSchema } from './plan.js';

export const PROTOCOL_VERSION = 1;
/** The header an agent names itself in when it opens its WebSocket (URI-encoded); its bearer token is that agent's own credential. */
export const AGENT_ID_HEADER = 'x-squall-agent';

const Count = z.number().int().nonnegative();
const Millis = z.number().nonnegative();

/**
 * Sparse log-bucketed histogram as "bucket:count" pairs, comma-separated:
 * "912:3,913:12". A string, not arrays: the controller validates thousands of
 * these per second, and one regex is about three times cheaper than checking
 * every number of two arrays.
 */
export const HistogramSchema = z.string().regex(/^(?:-?\d{1,6}:[1-9]\d{0,9}(?:,(?!$)|$))*$/, 'expected "bucket:count" pairs, comma-separated');

export const ErrorTallySchema = z.record(
  z.string(),
  z.object({ count: Count.min(1), sample: z.string() }).strict(),
);

export const StepWindowSchema = z
  .object({
    /** every attempt of the step */
    count: Count,
    /** attempts that threw */
    failed: Count,
    /** latency of the successful attempts (ms); empty when all failed */
    sumMs: Millis,
    minMs: Millis,
    maxMs: Millis,
    hist: HistogramSchema,
    errors: ErrorTallySchema,
  })
  .strict()
  .refine((s) => s.failed <= s.count, 'failed cannot exceed count');

/** Exact count, sum, min and max of some values, plus their histogram: a value distribution that merges. */
export const DistributionSchema = z
  .object({ count: Count.min(1), sum: z.number().nonnegative(), min: z.number().nonnegative(), max: z.number().nonnegative(), hist: HistogramSchema })
  .strict();

/** 2xx to 5xx by the response's status; `failed` got no complete response (a network error, a cancel, a CORS refusal); `other`: any other status (format-2 to 4 windows: also a cross-origin response whose status the page could not read). */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'failed', 'other'] as const;
export const StatusClassSchema = z.enum(STATUS_CLASSES);

/**
 * The requests of one URL label (origin + path, ids collapsed, or a
 * scenario's group) in one window, from the browser's network layer
 * (format 2 to 4: from Resource and Navigation Timing).
 * Timings are ms; a phase that did not happen (a reused connection has no
 * connect, a cached response no TTFB) records nothing, so its count says how
 * often it happened.
 */
export const RequestWindowSchema = z
  .object({
    count: Count,
    statuses: z.partialRecord(StatusClassSchema, Count),
    /** bytes on the wire (headers and body); 0 for cached ones */
    bytes: Count,
    /** answered from the browser's cache */
    cached: Count,
    /** how many were made during each step */
    steps: z.record(z.string(), Count),
    /** window format 5: how many by method (GET, POST, OPTIONS for a CORS preflight) */
    methods: z.record(z.string().max(64), Count).optional(),
    /** window format 5: the failed ones by the browser's reason (net::ERR_CONNECTION_REFUSED) */
    errors: z.record(z.string().max(300), Count).optional(),
    /** window format 5: answered by a service worker */
    serviceWorker: Count.optional(),
    dns: DistributionSchema.optional(),
    /** TCP connect, TLS excluded */
    connect: DistributionSchema.optional(),
    tls: DistributionSchema.optional(),
    /** request sent to the first byte of the response */
    ttfb: DistributionSchema.optional(),
    /** first byte to last */
    download: DistributionSchema.optional(),
    /** start of the fetch to its last byte */
    total: DistributionSchema.optional(),
  })
  .strict();

/** Web Vitals of the page views that began during one step, one value per page view (its value, computed as web-vitals does, when the view ended). */
export const PageViewWindowSchema = z
  .object({
    views: Count,
    LCP: DistributionSchema.optional(),
    FCP: DistributionSchema.optional(),
    CLS: DistributionSchema.optional(),
    INP: DistributionSchema.optional(),
    TTFB: DistributionSchema.optional(),
  })
  .strict();

export const IterationCountsSchema = z.object({ started: Count, completed: Count, failed: Count, dropped: Count.optional() }).strict();

/**
 * A named flow's window: its iterations; `busy` (format 4): the most of them
 * running at once; `allocated` (format 4, a flow with its own load): the most
 * VUs kept for it.
 */
export const FlowWindowSchema = IterationCountsSchema.extend({ busy: Count.optional(), allocated: Count.optional() }).strict();

export const ResourceSampleSchema = z
  .object({
    /** whole-host CPU use over the window, 0..100 */
    hostCpuPct: z.number().min(0).max(100),
    /** the agent's Node process CPU, % of one core */
    agentCpuPct: z.number().nonnegative(),
    agentRssMb: z.number().nonnegative(),
    hostMemUsedPct: z.number().min(0).max(100),
    /** p99 event-loop delay of the agent over the window */
    loopLagMs: z.number().nonnegative(),
  })
  .strict();

export const WindowBodySchema = z
  .object({
    /** epoch ms (controller clock), a multiple of windowMs */
    windowStart: z.number().int().nonnegative(),
    windowMs: z.number().int().positive(),
    steps: z.record(z.string(), StepWindowSchema),
    /** `dropped` (window format 3, arrival-rate runs): arrivals due in this window that found no free VU */
    iterations: IterationCountsSchema,
    /** errors thrown by the scenario outside any step */
    iterationErrors: ErrorTallySchema,
    /** VUs running an iteration (all of them in a closed run); `allocated` (arrival-rate runs): the most kept, busy or free */
    vus: z.object({ min: Count, max: Count, allocated: Count.optional() }).strict(),
    resources: ResourceSampleSchema,
    /** the agent's host was out of CPU (or its event loop lagged) this window and the one before: its numbers are distorted */
    saturated: z.boolean().default(false),
    /** window format 2: requests by URL label; absent from format-1 windows and when the scenario turned collection off */
    requests: z.record(z.string(), RequestWindowSchema).optional(),
    /** window format 2: Web Vitals by the step the page view began in */
    pageViews: z.record(z.string(), PageViewWindowSchema).optional(),
    /** window format 3: a scenario with named flows, the iterations of each */
    flows: z.record(z.string(), FlowWindowSchema).optional(),
    /** window format 6: entries (steps, request labels, page views) the agent left out to fit the window in one message */
    trimmed: Count.optional(),
  })
  .strict();

const Envelope = {
  protocol: z.literal(PROTOCOL_VERSION),
  runId: z.string().min(1),
  agentId: z.string().min(1),
};

export const HostFactsSchema = z
  .object({
    hostname: z.string(),
    platform: z.string(),
    cores: z.number().int().positive(),
    memoryMb: z.number().nonnegative(),
    node: z.string(),
    /** the agent's clock when it sent hello, epoch ms */
    clock: z.number(),
  })
  .strict();

export const HelloSchema = z
  .object({
    type: z.literal('hello'),
    ...Envelope,
    seq: Count,
    pid: z.number().int(),
    /** true when this connection replaces a dropped one */
    resumed: z.boolean(),
    /** random per agent process: a new one means a restarted agent, whose numbering starts again */
    incarnation: z.string().max(64).optional(),
    facts: HostFactsSchema,
  })
  .strict();
export const ReadySchema = z
  .object({
    type: z.literal('ready'),
    ...Envelope,
    seq: Count,
    chromium: z.string(),
    scenario: z.string(),
  })
  .strict();
export const WindowMessageSchema = z
  .object({ type: z.literal('window'), ...Envelope, seq: Count, window: WindowBodySchema })
  .strict();
export const HeartbeatSchema = z
  .object({ type: z.literal('heartbeat'), ...Envelope, seq: Count, activeVus: Count })
  .strict();
export const AgentEventSchema = z
  .object({
    type: z.literal('event'),
    ...Envelope,
    seq: Count,
    level: z.enum(['info', 'warn', 'error']),
    message: z.string(),
  })
  .strict();
/** What a failed step left behind, for a person to look at: kept for the first few failures of each error class. */
export const EvidenceSchema = z
  .object({
    step: z.string(),
    errorClass: z.string(),
    message: z.string(),
    /** controller-clock epoch ms when the step failed */
    at: z.number().int().nonnegative(),
    vu: Count,
    iteration: Count,
    /** the page's URL when the step failed */
    url: z.string(),
    /** the page's last console errors, uncaught exceptions and unhandled rejections, oldest first */
    consoleErrors: z.array(z.string().max(1000)).max(10),
    /** the page's last requests that failed or got a 4xx/5xx, oldest first */
    failedRequests: z.array(z.object({ url: z.string(), status: z.number().int().nonnegative(), error: z.string().optional() }).strict()).max(10),
    /** base64 JPEG of the viewport; absent when the page could not be captured (it crashed or closed) */
    screenshot: z.string().max(8_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/).optional(),
  })
  .strict();
export const EvidenceMessageSchema = z
  .object({ type: z.literal('evidence'), ...Envelope, seq: Count, evidence: EvidenceSchema })
  .strict();
/** Sent once every window is out; `windows` lets the controller know when it has them all. */
export const ByeSchema = z
  .object({ type: z.literal('bye'), ...Envelope, seq: Count, windows: Count, reason: z.string() })
  .strict();

/** A unique or circular feeder's rows, leased in blocks of indexes so no row is used twice in the run. */
const FeederRef = {
  /** the feeder's id: the same in every thread and host (feeders are made in module order) */
  feeder: z.string().min(1).max(300),
  /** the data file's rows */
  rows: z.number().int().positive(),
  /** a circular feeder (or whenEmpty 'recycle') starts over once every row was leased */
  recycle: z.boolean(),
};
/** The agent wants a block; `request` numbers its asks, so one sent again gets the same answer. */
export const LeaseSchema = z
  .object({ type: z.literal('lease'), ...Envelope, seq: Count, ...FeederRef, request: Count })
  .strict();
/** The agent is about to hand out the block's first row: from the ack on, a lost host's block is not given to another. */
export const LeaseStartSchema = z
  .object({ type: z.literal('lease-start'), ...Envelope, seq: Count, feeder: FeederRef.feeder, block: Count })
  .strict();
/** The load is over: the rows of a started block from `from` on were never handed out. */
export const LeaseReturnSchema = z
  .object({ type: z.literal('lease-return'), ...Envelope, seq: Count, feeder: FeederRef.feeder, block: Count, from: Count })
  .strict();

/** A VU of this agent asked for a row and none was left; `stops`: the feeder's whenEmpty is 'stop', so the load ends. */
export const LeaseEmptySchema = z
  .object({ type: z.literal('lease-empty'), ...Envelope, seq: Count, feeder: FeederRef.feeder, stops: z.boolean() })
  .strict();

export const AgentMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  ReadySchema,
  WindowMessageSchema,
  HeartbeatSchema,
  AgentEventSchema,
  EvidenceMessageSchema,
  ByeSchema,
  LeaseSchema,
  LeaseStartSchema,
  LeaseReturnSchema,
  LeaseEmptySchema,
]);

export const StartSchema = z
  .object({
    type: z.literal('start'),
    protocol: z.literal(PROTOCOL_VERSION),
    /** epoch ms on the controller's clock when VU time zero is */
    t0: z.number(),
    /** the controller's clock when it sent this, so the agent can align to it */
    controllerNow: z.number(),
    windowMs: z.number().int().positive(),
    /** this agent's share of the load */
    plan: PlanSchema,
    /** numbering of this agent's VUs starts here, so VU ids are unique across agents */
    firstVu: Count,
    env: z.record(z.string(), z.string()),
    /** --secret values: in memory only (never the agent's config file, argv or the store); every frame the agent sends has them masked */
    secrets: z.record(z.string(), z.string()).optional(),
    /** what the scenario's setup returned, for every VU */
    setupData: z.unknown().optional(),
  })
  .strict();
export const StopSchema = z
  .object({ type: z.literal('stop'), protocol: z.literal(PROTOCOL_VERSION), reason: z.string() })
  .strict();
export const AckSchema = z
  .object({ type: z.literal('ack'), protocol: z.literal(PROTOCOL_VERSION), seq: Count })
  .strict();
export const ControllerHeartbeatSchema = z
  .object({ type: z.literal('heartbeat'), protocol: z.literal(PROTOCOL_VERSION), now: z.number() })
  .strict();

/** The answer to a lease: a block of row indexes [from, to], or none left (the data ran out). */
export const GrantSchema = z
  .object({
    type: z.literal('grant'),
    protocol: z.literal(PROTOCOL_VERSION),
    feeder: z.string(),
    request: Count,
    block: z.object({ id: Count, from: Count, to: Count }).strict().optional(),
  })
  .strict();

export const ControllerMessageSchema = z.discriminatedUnion('type', [
  StartSchema,
  StopSchema,
  AckSchema,
  ControllerHeartbeatSchema,
  GrantSchema,
]);

export type Histogram = z.infer<typeof HistogramSchema>;
export type ErrorTally = z.infer<typeof ErrorTallySchema>;
export type StepWindow = z.infer<typeof StepWindowSchema>;
export type Distribution = z.infer<typeof DistributionSchema>;
export type StatusClass = z.infer<typeof StatusClassSchema>;
export type RequestWindow = z.infer<typeof RequestWindowSchema>;
export type FlowWindow = z.infer<typeof FlowWindowSchema>;
export type PageViewWindow = z.infer<typeof PageViewWindowSchema>;
export type ResourceSample = z.infer<typeof ResourceSampleSchema>;
export type WindowBody = z.infer<typeof WindowBodySchema>;
export type Evidence = z.infer<typeof EvidenceSchema>;
export type HostFacts = z.infer<typeof HostFactsSchema>;
export type AgentMessage = z.infer<typeof AgentMessageSchema>;
export type ControllerMessage = z.infer<typeof ControllerMessageSchema>;
export type StartMessage = z.infer<typeof StartSchema>;
export type WindowMessage = z.infer<typeof WindowMessageSchema>;
export type GrantMessage = z.infer<typeof GrantSchema>;

/** Parse one frame; returns a readable reason instead of throwing. */
export function parseFrame<T>(
  schema: z.ZodType<T>,
  raw: string,
): { ok: true; message: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, error: z.prettifyError(result.error) };
  return { ok: true, message: result.data };
}
