// What a scenario module must export, validated after it is bundled and loaded.
import { z } from 'zod';
import { parseDuration } from '../load/duration.js';

export const DurationText = z
  .string({ error: 'expected a duration such as "30s", "2m" or "1m30s"' })
  .refine((text) => parseDuration(text) !== undefined, {
    error: 'expected a duration such as "30s", "2m" or "1m30s"',
  });

const VuCount = z.number().int().nonnegative().max(1_000_000);

export const ScenarioOptionsSchema = z
  .object({
    vus: VuCount.optional(),
    duration: DurationText.optional(),
    stages: z.array(z.object({ duration: DurationText, target: VuCount }).strict()).min(1).optional(),
    gracefulStop: DurationText.optional(),
    /** k6-style: { 'step:home': ['p95 < 500'], steps: ['p99 < 3s'], iterations: ['failed < 1%'] } */
    thresholds: z.record(z.string(), z.array(z.string())).optional(),
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
  run: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', {
    error: 'expected a function run({ page, step, think, env, vu, iteration })',
  }),
});

export type ScenarioOptionsInput = z.infer<typeof ScenarioOptionsSchema>;
