// Importing a bundled scenario and checking it has the shape we need.
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { ScenarioModuleSchema } from '../protocol/scenario.js';
import { flowsOf, type ScenarioFlows } from './flows.js';
import type { Scenario } from './index.js';

export interface LoadedScenario {
  name: string;
  scenario: Scenario;
  /** its journeys: its `run` as the one flow, or its named flows */
  flows: ScenarioFlows;
}

/**
 * `displayPath` is what the user typed; errors name it, not the bundle.
 * `fallbackName` is used when the scenario does not name itself.
 */
export async function loadScenario(bundlePath: string, displayPath: string, fallbackName: string): Promise<LoadedScenario> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`${displayPath}: the scenario threw while loading: ${message}`);
  }
  const exported = module.default ?? module;
  if (typeof exported !== 'object' || exported === null) {
    throw new InputError(`${displayPath}: expected a default export made with defineScenario({ name, options, run })`);
  }
  const result = ScenarioModuleSchema.safeParse(exported);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    const value = issue.path.reduce<unknown>((obj, key) => (obj as Record<PropertyKey, unknown> | undefined)?.[key], exported);
    const what = value === undefined ? `no \`${field}\` in the default export: ${issue.message}` : `\`${field}\`: ${issue.message}`;
    throw new InputError(`${displayPath}: ${what}`);
  }
  const scenario = exported as Scenario;
  return { name: result.data.name ?? fallbackName, scenario, flows: flowsOf(module, exported as Record<string, unknown>, displayPath) };
}
