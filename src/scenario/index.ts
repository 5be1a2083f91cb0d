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

/** A name for the request URLs a pattern matches: `*` is one path segment, `**` any number. */
export interface RequestGroupOption {
  name: string;
  /** e.g. '/api/products/*', or with its origin: 'https://shop.example/api/**' */
  match: string;
}

export interface MetricsOptions {
  /**
   * Request timing (Resource and Navigation Timing) and Web Vitals from every
   * page, read once per iteration (default true). false: steps only.
   */
  collect?: boolean;
  /** request groups by pattern, tried in order; a URL no group matches is labelled by its origin and path, ids collapsed */
  requestGroups?: RequestGroupOption[];
  /** distinct request labels per agent; later ones count as "other" (default 100) */
  maxRequestLabels?: number;
  /** failed steps whose screenshot, URL, console errors and failed requests are kept, per error class per agent (default 3; 0: none) */
  evidencePerError?: number;
}

/** An open model: iterations start on schedule, whether or not the site keeps up (k6's arrival-rate executors). */
export interface ArrivalOption {
  /** iterations started per `per`, held for `duration` */
  rate?: number;
  /** the rate's time unit, e.g. "1s" (default), "1m" */
  per?: string;
  /** e.g. "5m"; needed with `rate` */
  duration?: string;
  /** ramping: each stage moves the rate linearly from the previous one to its own */
  stages?: Array<{ duration: string; rate: number }>;
  /** the rate before the first stage (default 0) */
  startRate?: number;
  /** "uniform" (default): evenly spaced; "poisson": random gaps, the same rate on average */
  distribution?: 'uniform' | 'poisson';
}

/** How many VUs (browser contexts) an arrival-rate run keeps. */
export interface ArrivalVus {
  /** made before the start (default: one second of arrivals at the peak rate) */
  preAllocated?: number;
  /** grown ahead of need up to this (default: ten seconds of arrivals at the peak rate) */
  max?: number;
}

export interface ScenarioOptions {
  /** constant VUs for `duration` (ignored when `stages` is given); with `arrival`: { preAllocated, max } */
  vus?: number | ArrivalVus;
  /**
   * Start iterations at a rate instead of looping VUs: `{ rate: 20, per: '1s', duration: '5m' }`
   * or `{ stages: [{ duration: '2m', rate: 50 }], per: '1m' }`. An arrival that finds
   * no free VU is dropped and counted.
   */
  arrival?: ArrivalOption;
  /** e.g. "1m" */
  duration?: string;
  /** ramp profile: each stage moves linearly from the previous target to its own */
  stages?: StageOption[];
  /** time running iterations get to finish after the load ends, e.g. "30s" */
  gracefulStop?: string;
  /**
   * Pass/fail criteria, checked at the end; a failed one makes the exit code 1.
   * Targets: 'step:<name>', 'steps' (all steps together), 'iterations',
   * 'requests' (all requests), 'requests:<label>' (one URL label or group;
   * metrics ttfb/total/connect/dns/tls/download:pNN, count, status5xx, ...),
   * 'vitals:<LCP|FCP|CLS|INP|TTFB>' or 'vitals:<vital>:<step>' (pNN, count).
   * e.g. { 'step:add to cart': ['p95 < 800', 'failed < 1%'], iterations: ['completed > 100'],
   *        'vitals:LCP': ['p75 < 2500'], 'requests:/api/cart': ['ttfb:p95 < 300', 'status5xx < 1%'] }
   * k6's object form stops the load as soon as one fails, judged on the whole
   * fleet's windows as they complete (exit code 4):
   *   { 'step:checkout': [{ threshold: 'p95 < 2000', abortOnFail: true, delayAbortEval: '1m' }] }
   * and a key may end in the metric: { 'step:checkout:p95': ['< 2000'] }.
   */
  thresholds?: Record<string, Array<string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string }>>;
  /** how each VU's browser is set up */
  browser?: BrowserOptions;
  /** what is measured besides steps, and what a failed step leaves behind */
  metrics?: MetricsOptions;
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
  /** values from `--secret NAME`: masked as *** in everything squall writes or prints */
  secrets: Readonly<Record<string, string>>;
  /** what the scenario's setup returned (undefined without one) */
  setupData?: unknown;
  /** this VU's number, unique across all agents of the run, from 1 */
  vu: number;
  /** this VU's iteration, from 0 */
  iteration: number;
  /** aborted when the run is interrupted; pass it to long waits of your own */
  signal: AbortSignal;
}

/**
 * One user journey of several in a run: its share of the scenario's load (a
 * weight), or a load of its own (vus, stages or arrival), and what it does.
 */
export interface Flow {
  /** iterations of this flow per iterations of all sharing flows' weights together (default 1): 8 and 2 make an 80/20 mix */
  weight?: number;
  /** a load of its own: constant VUs; with `arrival`: { preAllocated, max } */
  vus?: number | ArrivalVus;
  /** how long its own load lasts (default: the run's --duration or options.duration) */
  duration?: string;
  /** its own VU ramp */
  stages?: StageOption[];
  /** its own arrival rate, e.g. { rate: 2, per: '1s' } (the duration defaults to the run's) */
  arrival?: ArrivalOption;
  run(context: ScenarioContext): Promise<void>;
}

/** What setup and teardown are given: they run once per run, on the controller's machine. */
export interface LifecycleContext {
  env: Readonly<Record<string, string>>;
  secrets: Readonly<Record<string, string>>;
}

export interface Scenario {
  name?: string;
  options?: ScenarioOptions;
  /**
   * Runs once before the load, on the controller's machine (create accounts,
   * fetch a token with `fetch`); what it returns (JSON, at most 1 MB) every VU
   * gets as `setupData`. A setup that throws ends the run before any host or
   * browser starts (exit 3).
   */
  setup?(context: LifecycleContext): unknown;
  /** Runs once after the load, also after Ctrl-C or a failed run, with setup's result; an error is reported, not fatal. */
  teardown?(setupData: unknown, context: LifecycleContext): unknown;
  /** the one journey every iteration makes; or give `flows` */
  run?(context: ScenarioContext): Promise<void>;
  /**
   * several journeys by name, e.g. { browse: { weight: 8, run }, checkout: { weight: 2, run } },
   * or with a load of their own: { checkout: { arrival: { rate: 2 }, vus: { max: 10 }, run } };
   * steps are reported as "browse/home"
   */
  flows?: Record<string, Flow>;
}

export { urlFlow } from '../urls/url-flow.js';
export { DataExhausted, feeder, type DataFile, type FeederOptions, type FeederOrder, type WhenEmpty } from './feeder.js';
export type { UrlList } from '../protocol/urls.js';

/** Identity at run time; gives a scenario file its types. */
export function defineScenario<S extends Scenario>(scenario: S): S {
  return scenario;
}

/** Marks a named export as a flow: `export const checkout = defineFlow({ weight: 2, run })`. */
export const FLOW_MARK = Symbol.for('squall.flow');

export function defineFlow<F extends Flow>(flow: F): F {
  return Object.assign(flow, { [FLOW_MARK]: true });
}
