// A user's scenario file made ready to run: bundled (esbuild), imported to
// check its shape, its options validated. `run` and `check` both start here.
import { basename, extname } from 'node:path';
import type { ScenarioOptionsInput } from '../src/protocol/scenario.js';
import { loadScenario } from '../src/scenario/load.js';
import type { ScenarioFlows } from '../src/scenario/flows.js';
import type { Scenario } from '../src/scenario/index.js';
import { bundleScenario, type BundleOptions, type ScenarioBundle } from './bundle.js';
import { parseScenarioOptions } from './load-plan.js';

export interface PreparedScenario {
  bundle: ScenarioBundle;
  /** its own name, or the file's */
  name: string;
  scenario: Scenario;
  flows: ScenarioFlows;
  options: ScenarioOptionsInput;
}

/** `scenarioPath` as the user typed it (errors name it); the bundle goes into `workDir`. */
export async function prepareScenario(scenarioPath: string, workDir: string, cwd: string, bundling: BundleOptions = {}): Promise<PreparedScenario> {
  const bundle = await bundleScenario(scenarioPath, workDir, cwd, bundling);
  const loaded = await loadScenario(bundle.path, scenarioPath, basename(scenarioPath, extname(scenarioPath)));
  const options = parseScenarioOptions(loaded.scenario.options, scenarioPath);
  return { bundle, name: loaded.name, scenario: loaded.scenario, flows: loaded.flows, options };
}
