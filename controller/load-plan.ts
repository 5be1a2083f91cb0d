// The run's plan from the scenario's options and the command line (flags win).
import { InputError } from '../src/errors.js';
import { parseDuration } from '../src/load/duration.js';
import { constantPlan, parseStages } from '../src/load/stages.js';
import type { SinglePlan } from '../src/protocol/plan.js';
import { resolveArrivalPlan, type ArrivalFlags } from './arrival-plan.js';
import { durationFlag } from './duration-flag.js';
import { ScenarioOptionsSchema, type ScenarioOptionsInput } from '../src/protocol/scenario.js';

export interface LoadFlags extends ArrivalFlags {
  vus?: number;
  duration?: string;
  stages?: string;
}

export const DEFAULT_VUS = 1;
export const DEFAULT_DURATION = '30s';
export const DEFAULT_GRACEFUL_STOP = '30s';

export { durationFlag };

/** The scenario's options, checked; `scenarioFile` names the file in errors. */
export function parseScenarioOptions(rawOptions: unknown, scenarioFile: string, field = 'options'): ScenarioOptionsInput {
  const parsed = ScenarioOptionsSchema.safeParse(rawOptions ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${scenarioFile}: ${[field, ...issue.path].join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * --vus or --stages run a closed model, --rate or --rate-stages an arrival
 * rate, whatever the scenario says; without either, the scenario's
 * `arrival` makes it an arrival-rate run.
 */
export function resolvePlan(rawOptions: unknown, flags: LoadFlags, scenarioFile: string, field = 'options'): SinglePlan {
  const options = parseScenarioOptions(rawOptions, scenarioFile, field);
  const gracefulStopMs = parseDuration(options.gracefulStop ?? DEFAULT_GRACEFUL_STOP)!;
  const closedFlag = flags.vus !== undefined ? '--vus' : flags.stages !== undefined ? '--stages' : undefined;
  const rateFlag = flags.rate !== undefined ? '--rate' : flags.rateStages !== undefined ? '--rate-stages' : undefined;
  if (closedFlag && rateFlag) {
    throw new InputError(`${closedFlag} and ${rateFlag}: pick one: ${closedFlag} keeps VUs looping, ${rateFlag} starts iterations at a rate (size it with --max-vus)`);
  }
  if (options.arrival && options.stages) {
    throw new InputError(`${scenarioFile}: ${field}.stages: ramps VUs, which ${field}.arrival does not use: ramp the rate with ${field}.arrival.stages`);
  }
  if (rateFlag || (!closedFlag && options.arrival)) {
    if (!rateFlag && typeof options.vus === 'number') {
      throw new InputError(`${scenarioFile}: ${field}.vus: with ${field}.arrival, expected { preAllocated, max }, e.g. vus: { preAllocated: 10, max: 50 }`);
    }
    return resolveArrivalPlan(options, flags, gracefulStopMs, scenarioFile, field);
  }
  const sizingFlag = flags.maxVus !== undefined ? '--max-vus' : flags.preAllocatedVus !== undefined ? '--pre-allocated-vus' : flags.per !== undefined ? '--per' : flags.arrivals !== undefined ? '--arrivals' : undefined;
  if (sizingFlag) throw new InputError(`${sizingFlag}: shapes an arrival rate: add --rate or --rate-stages (or ${field}.arrival)`);
  if (typeof options.vus === 'object' && !closedFlag) {
    throw new InputError(`${scenarioFile}: ${field}.vus: { preAllocated, max } sizes an arrival rate: add ${field}.arrival, or give vus as a number`);
  }
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
  const vus = flags.vus ?? (typeof options.vus === 'number' ? options.vus : undefined) ?? Math.max(DEFAULT_VUS, ...(options.stages?.map((s) => s.target) ?? []));
  // --vus over an arrival scenario keeps its schedule's length.
  const ownDuration = options.duration ?? options.arrival?.duration;
  const duration = durationMs ?? (ownDuration ? parseDuration(ownDuration)! : (stagesTotal ?? parseDuration(DEFAULT_DURATION)!));
  if (duration <= 0) throw new InputError(`the test duration must be more than 0`);
  return constantPlan(vus, duration, gracefulStopMs);
}
