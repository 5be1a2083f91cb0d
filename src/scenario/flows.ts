// A scenario's journeys: its one `run`, or named flows with weights, from
// `flows: {...}` in the default export or from named exports made with
// defineFlow. Checked when the scenario loads, so a mistake names its field.
import { InputError } from '../errors.js';
import { FLOW_MARK, type ScenarioContext } from './index.js';

export interface FlowSpec {
  name: string;
  weight: number;
  run(context: ScenarioContext): Promise<void>;
  /** the flow's own VUs or rate, unchecked: the plan resolves them; `field` names them in errors */
  load?: { options: Record<string, unknown>; field: string };
}

/** What a flow may give to have a load of its own instead of a share of the scenario's. */
export const FLOW_LOAD_FIELDS = ['vus', 'duration', 'stages', 'arrival'] as const;
const FLOW_FIELDS = new Set<string>(['weight', 'run', ...FLOW_LOAD_FIELDS]);

export interface ScenarioFlows {
  flows: FlowSpec[];
  /** the scenario named its flows: steps are reported as "<flow>/<step>" */
  named: boolean;
}

/** The flow a single-`run` scenario's iterations belong to; its steps keep their own names. */
export const DEFAULT_FLOW = 'default';

const FLOW_NAME = /^[\w.-]+$/;

export function flowsOf(module: Record<string, unknown>, exported: Record<string, unknown>, displayPath: string): ScenarioFlows {
  const found: Array<FlowSpec & { from: string }> = [];
  const add = (name: string, value: unknown, from: string) => {
    const fail = (why: string): never => {
      throw new InputError(`${displayPath}: ${from}: ${why}`);
    };
    if (typeof value !== 'object' || value === null) fail('expected { weight, run }');
    const flow = value as { weight?: unknown; run?: unknown };
    if (!FLOW_NAME.test(name)) fail(`flow name "${name}": use letters, digits, _ . or - (it prefixes step names as "${name}/<step>")`);
    if (typeof flow.run !== 'function') fail('expected a function run({ page, step, think, env, vu, iteration })');
    const unknown = Object.keys(flow).find((key) => !FLOW_FIELDS.has(key));
    if (unknown) fail(`unknown field "${unknown}"; a flow takes ${[...FLOW_FIELDS].join(', ')}`);
    const own = Object.fromEntries(FLOW_LOAD_FIELDS.filter((key) => (flow as Record<string, unknown>)[key] !== undefined).map((key) => [key, (flow as Record<string, unknown>)[key]]));
    const hasOwnLoad = Object.keys(own).length > 0;
    if (hasOwnLoad && flow.weight !== undefined) fail(`weight: a flow with its own load (${Object.keys(own).join(', ')}) takes no share of the scenario's, so no weight`);
    const weight = flow.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) fail(`weight: expected a number above 0, got ${JSON.stringify(flow.weight)}`);
    const twice = found.find((f) => f.name === name);
    if (twice) throw new InputError(`${displayPath}: flow "${name}" is defined twice (${twice.from} and ${from})`);
    found.push({ name, weight: weight as number, run: flow.run as FlowSpec['run'], from, ...(hasOwnLoad ? { load: { options: own, field: from } } : {}) });
  };
  const flows = exported.flows;
  if (flows !== undefined) {
    if (typeof flows !== 'object' || flows === null || Array.isArray(flows)) throw new InputError(`${displayPath}: \`flows\`: expected { <name>: { weight, run } }`);
    for (const [name, flow] of Object.entries(flows)) add(name, flow, `flows.${name}`);
  }
  for (const [name, value] of Object.entries(module)) {
    if (name !== 'default' && typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FLOW_MARK]) add(name, value, `export ${name}`);
  }
  if (found.length > 0) {
    if (typeof exported.run === 'function') throw new InputError(`${displayPath}: \`run\` and flows: give one run, or flows, not both`);
    return { flows: found.map(({ from: _from, ...flow }) => flow), named: true };
  }
  if (typeof exported.run !== 'function') {
    throw new InputError(`${displayPath}: no \`run\` in the default export: expected a function run({ page, step, think, env, vu, iteration }), or flows`);
  }
  return { flows: [{ name: DEFAULT_FLOW, weight: 1, run: exported.run as FlowSpec['run'] }], named: false };
}
