// One VU for a fixed number of iterations in a browser of its own, started
// and driven exactly as a VU worker starts and drives its VUs: `squall
// check` tries a scenario through this before it is scaled up.
import type { Scenario } from '../src/scenario/index.js';
import { launchBrowser, type LaunchRetryListener } from './browser.js';
import { DEFAULT_EVIDENCE_PER_ERROR, EvidenceBudget } from './evidence.js';
import { VirtualUser, type VuEvents } from './vu.js';

export interface SingleVuOptions {
  scenario: Scenario;
  browserPath: string;
  env: Readonly<Record<string, string>>;
  events: VuEvents;
  iterations: number;
  onRetry: LaunchRetryListener;
  /** the browser is up: its version */
  onBrowser(version: string): void;
}

/** Rejects with a BrowserStartError when Chromium does not start. */
export async function runSingleVu(options: SingleVuOptions): Promise<void> {
  const { scenario, events, env } = options;
  const chromium = await launchBrowser(options.browserPath, scenario.options?.browser, options.onRetry);
  try {
    options.onBrowser(await chromium.browser.version());
    const evidenceBudget = new EvidenceBudget(scenario.options?.metrics?.evidencePerError ?? DEFAULT_EVIDENCE_PER_ERROR);
    await new VirtualUser({ id: 1, browser: chromium.browser, scenario, env, events, now: Date.now, maxIterations: options.iterations, evidenceBudget }).run();
  } finally {
    await chromium.close();
  }
}
