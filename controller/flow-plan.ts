// The run's plan once a scenario's flows are known: its one load, that load
// shared by its flows' weights, or (flows with VUs or a rate of their own)
// one load per such flow beside the load the other flows share.
import { InputError } from '../src/errors.js';
import type { Plan, SinglePlan } from '../src/protocol/plan.js';
import { FLOW_LOAD_FIELDS, type ScenarioFlows } from '../src/scenario/flows.js';
import { resolvePlan, type LoadFlags } from './load-plan.js';

export function resolveRunPlan(rawOptions: unknown, flags: LoadFlags, scenarioFile: string, flows: ScenarioFlows): Plan {
  const mixOf = (list: ScenarioFlows['flows']) => list.map(({ name, weight }) => ({ name, weight }));
  if (!flows.named) return resolvePlan(rawOptions, flags, scenarioFile);
  const own = flows.flows.filter((flow) => flow.load);
  const shared = flows.flows.filter((flow) => !flow.load);
  if (own.length === 0) return { ...resolvePlan(rawOptions, flags, scenarioFile), flows: mixOf(shared) };
  const options = (rawOptions ?? {}) as Record<string, unknown>;
  if (shared.length === 0) refuseUnusedLoad(options, flags, scenarioFile, own.map((flow) => flow.load!.field));
  const loads: Array<SinglePlan & { flows: Array<{ name: string; weight: number }> }> = [];
  if (shared.length > 0) loads.push({ ...resolvePlan(rawOptions, flags, scenarioFile), flows: mixOf(shared) });
  for (const flow of own) {
    loads.push({ ...resolvePlan(flowLoadOptions(flow.load!.options, options, flags), {}, scenarioFile, flow.load!.field), flows: [{ name: flow.name, weight: 1 }] });
  }
  return { model: 'flows', loads, gracefulStopMs: Math.max(...loads.map((load) => load.gracefulStopMs)) };
}

/**
 * A flow's load keeps the scenario's graceful stop and, when it names no
 * length of its own, the run's (--duration, else options.duration); nothing
 * else of the scenario's load applies to it.
 */
function flowLoadOptions(own: Record<string, unknown>, options: Record<string, unknown>, flags: LoadFlags): Record<string, unknown> {
  const runDuration = flags.duration ?? options.duration;
  const result: Record<string, unknown> = { ...own, ...(options.gracefulStop !== undefined ? { gracefulStop: options.gracefulStop } : {}) };
  if (runDuration === undefined) return result;
  const arrival = own.arrival as Record<string, unknown> | undefined;
  if (arrival && typeof arrival === 'object') {
    if (arrival.rate !== undefined && arrival.duration === undefined) result.arrival = { ...arrival, duration: runDuration };
  } else if (own.duration === undefined && own.stages === undefined) {
    result.duration = runDuration;
  }
  return result;
}

/** Every flow has its own load: a load for the scenario, from its options or the command line, would drive nothing. */
function refuseUnusedLoad(options: Record<string, unknown>, flags: LoadFlags, scenarioFile: string, ownFields: readonly string[]): void {
  // A duration is every flow's that names none of its own.
  const flag = Object.entries(flags).find(([name, value]) => value !== undefined && name !== 'duration')?.[0];
  const field = FLOW_LOAD_FIELDS.find((key) => key !== 'duration' && options[key] !== undefined);
  if (!flag && !field) return;
  const what = flag ? `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : `${scenarioFile}: options.${field}`;
  throw new InputError(`${what}: every flow has a load of its own (${ownFields.join(', ')}), so the scenario's load would run none: set the load on the flows`);
}
