// An arrival-rate plan from the scenario's `arrival` and `vus` options and
// the command line (flags win): the rate's shape, and how many VUs to keep.
import { randomInt } from 'node:crypto';
import { InputError } from '../src/errors.js';
import { peakRate } from '../src/load/arrival.js';
import { parseDuration } from '../src/load/duration.js';
import { parseDurationPairs } from '../src/load/stages.js';
import { durationFlag } from './duration-flag.js';
import type { ArrivalPlan, RateStage } from '../src/protocol/plan.js';
import type { ScenarioOptionsInput } from '../src/protocol/scenario.js';

export interface ArrivalFlags {
  duration?: string;
  /** --rate: iterations per --per */
  rate?: number;
  per?: string;
  /** --rate-stages: "30s:10,2m:50" */
  rateStages?: string;
  maxVus?: number;
  preAllocatedVus?: number;
  /** --arrivals: uniform or poisson */
  arrivals?: string;
}

/** Seconds of arrivals at the peak rate the VUs are sized for, when the scenario does not say. */
const PRE_ALLOCATED_SECONDS = 1;
const MAX_SECONDS = 10;

/** Parses "30s:10,2m:50" (duration:rate pairs, each stage longer than 0s), or says what is wrong. */
export function parseRateStages(text: string): RateStage[] | string {
  const pairs = parseDurationPairs(text, /\d+(?:\.\d+)?/, 'rate', true);
  return typeof pairs === 'string' ? pairs : pairs.map(({ durationMs, value }) => ({ durationMs, rate: value }));
}

/** `field` names the options in errors: "options", or a flow's own, such as "flows.checkout". */
export function resolveArrivalPlan(options: ScenarioOptionsInput, flags: ArrivalFlags, gracefulStopMs: number, file: string, field = 'options'): ArrivalPlan {
  const arrival = options.arrival;
  const perMs = flags.per !== undefined ? durationFlag('--per', flags.per) : arrival?.per ? parseDuration(arrival.per)! : 1000;
  if (perMs <= 0) throw new InputError(flags.per !== undefined ? `--per ${flags.per}: must be more than 0` : `${file}: ${field}.arrival.per: must be more than 0`);
  const { startRate, stages } = rateShape(options, flags, file, field);
  const distribution = distributionOf(flags.arrivals ?? arrival?.distribution);
  const peakPerSecond = (peakRate({ startRate, stages }) * 1000) / perMs;
  const sizing = typeof options.vus === 'object' ? options.vus : {};
  const fromFlag = flags.maxVus !== undefined;
  const max = flags.maxVus ?? sizing.max;
  const preAllocated = flags.preAllocatedVus ?? sizing.preAllocated ?? Math.min(max ?? Infinity, Math.max(1, Math.ceil(peakPerSecond * PRE_ALLOCATED_SECONDS)));
  const maxVus = max ?? Math.max(preAllocated, Math.ceil(peakPerSecond * MAX_SECONDS), 1);
  if (maxVus < preAllocated) {
    const preSource = flags.preAllocatedVus !== undefined ? '--pre-allocated-vus' : `${field}.vus.preAllocated`;
    throw new InputError(`${fromFlag ? `--max-vus ${maxVus}` : `${file}: ${field}.vus.max`}: must be at least the pre-allocated VUs (${preSource} ${preAllocated})`);
  }
  return { model: 'arrival', perMs, startRate, stages, distribution, seed: randomInt(2 ** 31), preAllocatedVus: preAllocated, maxVus, gracefulStopMs };
}

function rateShape(options: ScenarioOptionsInput, flags: ArrivalFlags, file: string, field: string): { startRate: number; stages: RateStage[] } {
  const arrival = options.arrival;
  if (flags.rateStages !== undefined) {
    const stages = parseRateStages(flags.rateStages);
    if (typeof stages === 'string') throw new InputError(`--rate-stages ${flags.rateStages}: ${stages}`);
    return { startRate: arrival?.startRate ?? 0, stages };
  }
  const durationMs = flags.duration !== undefined ? durationFlag('--duration', flags.duration) : arrival?.duration ? parseDuration(arrival.duration)! : undefined;
  if (flags.rate !== undefined) {
    // A closed scenario run at a rate from the command line keeps its own duration.
    const forRate = durationMs ?? (options.duration !== undefined ? parseDuration(options.duration)! : undefined);
    if (forRate === undefined) throw new InputError(`--rate ${flags.rate}: needs a duration: add --duration (e.g. --duration 5m) or ${field}.arrival.duration`);
    return constant(flags.rate, forRate, '--duration');
  }
  if (arrival?.rate !== undefined) {
    if (durationMs === undefined) throw new InputError(`${file}: ${field}.arrival.duration: a rate needs a duration, e.g. duration: '5m'`);
    return constant(arrival.rate, durationMs, `${field}.arrival.duration`);
  }
  const stages = arrival!.stages!.map((s) => ({ durationMs: parseDuration(s.duration)!, rate: s.rate }));
  const zero = stages.findIndex((s) => s.durationMs <= 0);
  if (zero >= 0) throw new InputError(`${file}: ${field}.arrival.stages.${zero}.duration: must be more than 0`);
  // --duration over a ramp holds its peak rate, as it holds the peak VUs of a closed ramp.
  if (flags.duration !== undefined) return constant(Math.max(...stages.map((s) => s.rate)), durationMs!, '--duration');
  return { startRate: arrival!.startRate ?? 0, stages };
}

function constant(rate: number, durationMs: number, field: string): { startRate: number; stages: RateStage[] } {
  if (durationMs <= 0) throw new InputError(`${field}: must be more than 0`);
  return { startRate: rate, stages: [{ durationMs, rate }] };
}

function distributionOf(text: string | undefined): ArrivalPlan['distribution'] {
  if (text === undefined || text === 'uniform' || text === 'poisson') return text ?? 'uniform';
  throw new InputError(`--arrivals ${text}: expected uniform or poisson`);
}
