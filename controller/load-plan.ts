// The run's plan from the scenario's options and the command line (flags win).
import { InputError } from '../src/errors.js';
import { parseDuration } from '../src/load/duration.js';
import { constantPlan, parseStages } from '../src/load/stages.js';
import type { Plan } from '../src/protocol/plan.js';
import { ScenarioOptionsSchema, type ScenarioOptionsInput } from '../src/protocol/scenario.js';

export interface LoadFlags {
  vus?: number;
  duration?: string;
  stages?: string;
}

export const DEFAULT_VUS = 1;
export const DEFAULT_DURATION = '30s';
export const DEFAULT_GRACEFUL_STOP = '30s';

export function durationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new InputError(`${flag} ${text}: expected a duration such as 30s, 2m or 1m30s`);
  return ms;
}

/** The scenario's options, checked; `scenarioFile` names the file in errors. */
export function parseScenarioOptions(rawOptions: unknown, scenarioFile: string): ScenarioOptionsInput {
  const parsed = ScenarioOptionsSchema.safeParse(rawOptions ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['options', ...issue.path].join('.');
    throw new InputError(`${scenarioFile}: ${field}: ${issue.message}`);
  }
  return parsed.data;
}

export function resolvePlan(rawOptions: unknown, flags: LoadFlags, scenarioFile: string): Plan {
  const options = parseScenarioOptions(rawOptions, scenarioFile);
  const gracefulStopMs = parseDuration(options.gracefulStop ?? DEFAULT_GRACEFUL_STOP)!;
  if (flags.vus !== undefined && (!Number.isInteger(flags.vus) || flags.vus < 1)) {
    throw new InputError(`--vus ${flags.vus}: expected a whole number of at least 1`);
  }
  if (flags.stages !== undefined) {
    const stages = parseStages(flags.stages);
    if (typeof stages === 'string') throw new InputError(`--stages ${flags.stages}: ${stages}`);
    return { startVus: 0, stages, gracefulStopMs };
  }
  const durationMs = flags.duration !== undefined ? durationFlag('--duration', flags.duration) : undefined;
  if (flags.vus === undefined && durationMs === undefined && options.stages) {
    return {
      startVus: 0,
      stages: options.stages.map((s) => ({ durationMs: parseDuration(s.duration)!, target: s.target })),
      gracefulStopMs,
    };
  }
  const stagesTotal = options.stages?.reduce((sum, s) => sum + parseDuration(s.duration)!, 0);
  const vus = flags.vus ?? options.vus ?? Math.max(DEFAULT_VUS, ...(options.stages?.map((s) => s.target) ?? []));
  const duration = durationMs ?? (options.duration ? parseDuration(options.duration)! : (stagesTotal ?? parseDuration(DEFAULT_DURATION)!));
  if (duration <= 0) throw new InputError(`the test duration must be more than 0`);
  return constantPlan(vus, duration, gracefulStopMs);
}
