// The wire protocol between agents and the controller. Every message that
// crosses a WebSocket is validated here; the TypeScript types are inferred.
import { z } from 'zod';
import { PlanSchema } from './plan.js';

export const PROTOCOL_VERSION = 1;

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
    iterations: z.object({ started: Count, completed: Count, failed: Count }).strict(),
    /** errors thrown by the scenario outside any step */
    iterationErrors: ErrorTallySchema,
    vus: z.object({ min: Count, max: Count }).strict(),
    resources: ResourceSampleSchema,
    /** the agent's host was out of CPU (or its event loop lagged) this window and the one before: its numbers are distorted */
    saturated: z.boolean().default(false),
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
/** Sent once every window is out; `windows` lets the controller know when it has them all. */
export const ByeSchema = z
  .object({ type: z.literal('bye'), ...Envelope, seq: Count, windows: Count, reason: z.string() })
  .strict();

export const AgentMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  ReadySchema,
  WindowMessageSchema,
  HeartbeatSchema,
  AgentEventSchema,
  ByeSchema,
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

export const ControllerMessageSchema = z.discriminatedUnion('type', [
  StartSchema,
  StopSchema,
  AckSchema,
  ControllerHeartbeatSchema,
]);

export type Histogram = z.infer<typeof HistogramSchema>;
export type ErrorTally = z.infer<typeof ErrorTallySchema>;
export type StepWindow = z.infer<typeof StepWindowSchema>;
export type ResourceSample = z.infer<typeof ResourceSampleSchema>;
export type WindowBody = z.infer<typeof WindowBodySchema>;
export type HostFacts = z.infer<typeof HostFactsSchema>;
export type AgentMessage = z.infer<typeof AgentMessageSchema>;
export type ControllerMessage = z.infer<typeof ControllerMessageSchema>;
export type StartMessage = z.infer<typeof StartSchema>;
export type WindowMessage = z.infer<typeof WindowMessageSchema>;

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
