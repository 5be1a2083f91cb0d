// The public scenario API: what `import { defineScenario } from 'squall'`
// gives a scenario file. Nothing here may import runtime code: scenarios are
// bundled with this module and run inside agents.
import type { Page } from 'puppeteer-core';

export type { Page };

export interface StageOption {
  /** e.g. "30s", "2m" */
  duration: string;
  target: number;
}

export interface BrowserOptions {
  /** page size; default 1280x720 */
  viewport?: { width: number; height: number };
  /**
   * Hosts whose requests fail at once, e.g. ['*.google-analytics.com',
   * 'ads.example.net']: third parties you do not want to load-test (or pay for).
   */
  blockHosts?: string[];
  /** extra Chromium command-line flags */
  args?: string[];
  /**
   * page.click, hover, focus, type, select, $, $eval, $$eval and
   * waitForSelector with a plain CSS selector run in one DevTools round trip
   * instead of puppeteer's 6 to 19 (default true); false: puppeteer's own.
   */
  leanActions?: boolean;
}

export interface ScenarioOptions {
  /** constant VUs for `duration` (ignored when `stages` is given) */
  vus?: number;
  /** e.g. "1m" */
  duration?: string;
  /** ramp profile: each stage moves linearly from the previous target to its own */
  stages?: StageOption[];
  /** time running iterations get to finish after the load ends, e.g. "30s" */
  gracefulStop?: string;
  /**
   * Pass/fail criteria, checked at the end; a failed one makes the exit code 1.
   * Targets: 'step:<name>', 'steps' (all steps together), 'iterations'.
   * e.g. { 'step:add to cart': ['p95 < 800', 'failed < 1%'], iterations: ['completed > 100'] }
   */
  thresholds?: Record<string, string[]>;
  /** how each VU's browser is set up */
  browser?: BrowserOptions;
}

export interface ScenarioContext {
  /** a Puppeteer page in this VU's own browser context */
  page: Page;
  /** Times `fn` as the end-user action `name`; if it throws, the step fails and the iteration ends. */
  step<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
  /** A pause outside any step: a fixed time or a random one in [min, max] (ms). */
  think(ms: number | readonly [number, number]): Promise<void>;
  /** values from `--env KEY=VALUE` */
  env: Readonly<Record<string, string>>;
  /** this VU's number, unique across all agents of the run, from 1 */
  vu: number;
  /** this VU's iteration, from 0 */
  iteration: number;
  /** aborted when the run is interrupted; pass it to long waits of your own */
  signal: AbortSignal;
}

export interface Scenario {
  name?: string;
  options?: ScenarioOptions;
  run(context: ScenarioContext): Promise<void>;
}

/** Identity at run time; gives a scenario file its types. */
export function defineScenario<S extends Scenario>(scenario: S): S {
  return scenario;
}
