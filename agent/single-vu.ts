// One VU for a fixed number of iterations in a browser of its own, started
// and driven exactly as a VU worker starts and drives its VUs: `squall
// check` tries a scenario through this before it is scaled up.
import type { ScenarioFlows } from '../src/scenario/flows.js';
import type { Scenario } from '../src/scenario/index.js';
import { FlowPicker } from './flow-picker.js';
import { launchBrowser, type LaunchRetryListener } from './browser.js';
import { DEFAULT_EVIDENCE_PER_ERROR, EvidenceBudget } from './evidence.js';
import { VirtualUser, type VuEvents } from './vu.js';
import { installFeeds, LocalFeeds } from './feeds/feed-hook.js';
import { FeedRows, LocalIndexes } from './feeds/feed-rows.js';

export interface SingleVuOptions {
  scenario: Scenario;
  /** with several, each runs once per iteration asked, in order */
  flows: ScenarioFlows;
  browserPath: string;
  env: Readonly<Record<string, string>>;
  secrets?: Readonly<Record<string, string>>;
  setupData?: unknown;
  events: VuEvents;
  iterations: number;
  /** where the scenario bundle's data files are */
  dataDir: string;
  onRetry: LaunchRetryListener;
  /** the browser is up: its version */
  onBrowser(version: string): void;
}

/** Rejects with a BrowserStartError when Chromium does not start. */
export async function runSingleVu(options: SingleVuOptions): Promise<void> {
  const { scenario, events, env } = options;
  installFeeds(new LocalFeeds(new FeedRows(options.dataDir, new LocalIndexes())));
  const chromium = await launchBrowser(options.browserPath, scenario.options?.browser, options.onRetry);
  try {
    options.onBrowser(await chromium.browser.version());
    const evidenceBudget = new EvidenceBudget(scenario.options?.metrics?.evidencePerError ?? DEFAULT_EVIDENCE_PER_ERROR);
    const flows = new FlowPicker(options.flows, 0, true);
    const maxIterations = options.iterations * options.flows.flows.length;
    await new VirtualUser({ id: 1, browser: chromium.browser, scenario, flows, env, secrets: options.secrets ?? {}, setupData: options.setupData, events, now: Date.now, maxIterations, evidenceBudget }).run();
  } finally {
    await chromium.close();
  }
}
