// Where the tool's own files are, whether it runs from source (tests) or
// from the built dist/cli.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'squall') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the squall package root');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
/** The single-file agent that runs on every load host. */
export const AGENT_BUNDLE = join(PACKAGE_ROOT, 'dist', 'agent.mjs');
/** squall calibrate's target, run on each host beside the agent. */
export const DEMO_SHOP_BUNDLE = join(PACKAGE_ROOT, 'dist', 'demo-shop.mjs');
/** Chrome for Testing's fetcher, run on a host that cannot install Chromium from its packages. */
export const FETCH_BROWSER_BUNDLE = join(PACKAGE_ROOT, 'dist', 'fetch-browser.mjs');
/** What `import ... from 'squall'` resolves to inside a scenario bundle. */
export const SCENARIO_API = join(PACKAGE_ROOT, 'src', 'scenario', 'index.ts');
/** What a URL list runs as: bundled with the list into its scenario. */
export const URL_FLOW = join(PACKAGE_ROOT, 'src', 'urls', 'url-flow.ts');
/** What a Chrome Recorder recording runs as. */
export const RECORDING_FLOW = join(PACKAGE_ROOT, 'src', 'urls', 'recording.ts');
export const DEMO_SCENARIO = join(PACKAGE_ROOT, 'controller', 'demo', 'scenario.ts');
/** The benchmarks' and calibration's workload: three steps, 1 s think time. */
export const REFERENCE_SCENARIO = join(PACKAGE_ROOT, 'controller', 'calibrate', 'reference.scenario.ts');

/** A path as the user best reads it: relative to where they are, unless it is elsewhere. */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
