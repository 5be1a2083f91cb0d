// What a scenario module must export, validated after it is bundled and loaded.
import { z } from 'zod';
import { parseDuration } from '../load/duration.js';

export const DurationText = z
  .string({ error: 'expected a duration such as "30s", "2m" or "1m30s"' })
  .refine((text) => parseDuration(text) !== undefined, {
    error: 'expected a duration such as "30s", "2m" or "1m30s"',
  });

const VuCount = z.number().int().nonnegative().max(1_000_000);

const Rate = z.number({ error: 'expected a number >= 0: iterations per `per`' }).nonnegative().max(1_000_000);

/** Sizes an arrival-rate run: browser contexts made before the start, and the most it may grow to. */
const ArrivalVusSchema = z
  .object({ preAllocated: VuCount.optional(), max: VuCount.min(1).optional() })
  .strict()
  .refine((v) => v.preAllocated === undefined || v.max === undefined || v.max >= v.preAllocated, {
    error: 'max must be at least preAllocated',
    path: ['max'],
  });

export const ArrivalOptionsSchema = z
  .object({
    /** iterations started per `per`, held for `duration` */
    rate: Rate.optional(),
    /** the rate's time unit (default 1s) */
    per: DurationText.optional(),
    duration: DurationText.optional(),
    /** ramping: each stage moves the rate linearly to its own */
    stages: z.array(z.object({ duration: DurationText, rate: Rate }).strict()).min(1).optional(),
    /** the rate before the first stage (default 0) */
    startRate: Rate.optional(),
    /** evenly spaced arrivals (default) or Poisson: random gaps at the same rate */
    distribution: z.enum(['uniform', 'poisson'], { error: 'expected "uniform" or "poisson"' }).optional(),
  })
  .strict()
  .refine((a) => a.rate === undefined || a.stages === undefined, { error: 'give rate (with duration) or stages, not both', path: ['stages'] })
  .refine((a) => a.rate !== undefined || a.stages !== undefined, { error: 'expected rate (with duration) or stages', path: ['rate'] });

/** k6's object form of a threshold: it may stop the load when it fails. */
export const ThresholdObjectSchema = z
  .object({
    threshold: z.string(),
    abortOnFail: z.boolean({ error: 'expected true or false' }).optional(),
    /** judge nothing live before this much of the load has run */
    delayAbortEval: DurationText.optional(),
  })
  .strict();

export type ThresholdOption = string | z.infer<typeof ThresholdObjectSchema>;

export const ScenarioOptionsSchema = z
  .object({
    /** a number: constant VUs (closed model); with arrival: { preAllocated, max } */
    vus: z.union([VuCount, ArrivalVusSchema], { error: 'expected a number of VUs, or { preAllocated, max } with arrival' }).optional(),
    /** an open model: iterations start on schedule on a free VU, or are dropped and counted */
    arrival: ArrivalOptionsSchema.optional(),
    duration: DurationText.optional(),
    stages: z.array(z.object({ duration: DurationText, target: VuCount }).strict()).min(1).optional(),
    gracefulStop: DurationText.optional(),
    /** k6-style: { 'step:home': ['p95 < 500', { threshold: 'failed < 5%', abortOnFail: true, delayAbortEval: '30s' }] } */
    thresholds: z.record(z.string(), z.array(z.union([z.string(), ThresholdObjectSchema], { error: 'expected "p95 < 500" or { threshold: "p95 < 500", abortOnFail: true, delayAbortEval: "1m" }' }))).optional(),
    browser: z
      .object({
        viewport: z.object({ width: z.number().int().min(100).max(7680), height: z.number().int().min(100).max(4320) }).strict().optional(),
        blockHosts: z.array(z.string().regex(/^[\w*.-]+$/, 'expected a host name, * allowed: "*.google-analytics.com"')).optional(),
        args: z.array(z.string().startsWith('--', 'expected a Chromium flag starting with --')).optional(),
        leanActions: z.boolean({ error: 'expected true or false' }).optional(),
      })
      .strict()
      .optional(),
    metrics: z
      .object({
        collect: z.boolean({ error: 'expected true or false' }).optional(),
        requestGroups: z
          .array(z.object({ name: z.string().min(1, 'expected a name'), match: z.string().min(1, "expected a pattern such as '/api/products/*'") }).strict())
          .optional(),
        maxRequestLabels: z.number().int().min(1).max(10_000).optional(),
        evidencePerError: z.number().int().min(0).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const ScenarioModuleSchema = z.object({
  name: z.string().min(1).optional(),
  /** validated with the command-line flags, where the plan is resolved */
  options: z.unknown().optional(),
  run: z
    .custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', {
      error: 'expected a function run({ page, step, think, env, vu, iteration })',
    })
    .optional(),
  /** checked by src/scenario/flows.ts, which also finds flows among named exports */
  flows: z.unknown().optional(),
  setup: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', { error: 'expected a function setup({ env, secrets })' }).optional(),
  teardown: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', { error: 'expected a function teardown(setupData, { env, secrets })' }).optional(),
});

export type ScenarioOptionsInput = z.infer<typeof ScenarioOptionsSchema>;
