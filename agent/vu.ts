// One virtual user: its own browser context and page, running the scenario's
// `run` in a loop and reporting each step's outcome as an event.
import { performance } from 'node:perf_hooks';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { FlowSpec } from '../src/scenario/flows.js';
import type { Scenario, ScenarioContext } from '../src/scenario/index.js';
import type { FlowPicker } from './flow-picker.js';
import { Turns } from './turns.js';
import type { RequestSample, VitalValues } from '../src/metrics/request-stats.js';
import type { Evidence } from '../src/protocol/messages.js';
import { captureEvidence, type EvidenceBudget } from './evidence.js';
import { describeError } from './describe-error.js';
import { installLeanActions } from './lean-actions.js';
import { PageMetrics } from './page-metrics/page-metrics.js';
import { RequestCapture } from './page-metrics/request-capture.js';
import { currentVu } from './feeds/current-vu.js';
import { REWRITTEN_METHOD_EVENT, type RewrittenMethod } from '../src/urls/rewritten-method.js';
import { StepTimeline } from './page-metrics/timeline.js';

export interface StepOutcome {
  vu: number;
  iteration: number;
  name: string;
  /** controller-clock epoch ms when the step ended */
  atMs: number;
  durationMs: number;
  error?: { errorClass: string; message: string };
}

export interface VuEvents {
  /** `flow`: the flow the iteration runs, when the scenario names its flows */
  iterationStarted(vu: number, iteration: number, atMs: number, flow?: string): void;
  stepEnded(outcome: StepOutcome): void;
  /** `interrupted`: the run stopped it; neither a completion nor a failure */
  iterationEnded(
    vu: number,
    iteration: number,
    atMs: number,
    result: { kind: 'completed' } | { kind: 'interrupted' } | { kind: 'failed'; errorClass: string; message: string; inStep: boolean },
    flow?: string,
  ): void;
  /** requests the page timed; `atMs` (controller clock) is when the last byte came */
  requestsObserved?(batch: ObservedRequestEvent[]): void;
  /** a page view ended: its Web Vitals, for the step it began in */
  pageViewEnded?(view: { step: string; atMs: number; vitals: VitalValues }): void;
  /** a failed step's evidence, when the budget allowed one */
  evidence?(evidence: Evidence): void;
}

export interface ObservedRequestEvent {
  step: string;
  atMs: number;
  sample: RequestSample;
}

export interface VuOptions {
  id: number;
  browser: Browser;
  scenario: Scenario;
  /** the scenario's journeys and which one each iteration runs */
  flows: FlowPicker;
  env: Readonly<Record<string, string>>;
  /** --secret values (masked in what the agent sends) */
  secrets?: Readonly<Record<string, string>>;
  /** what the scenario's setup returned */
  setupData?: unknown;
  events: VuEvents;
  /** controller-clock epoch ms */
  now: () => number;
  maxIterations?: number;
  /** the failed steps that may leave evidence; none without one */
  evidenceBudget?: EvidenceBudget;
  /**
   * An arrival-rate VU: its context and page are made up front (then
   * `ready` is called) and each iteration waits for `go()`; without it the
   * VU loops on its own.
   */
  onDemand?: { ready(): void };
}

/** Long iterations are read at a step's end once this much has passed since the last read, so their requests reach the window they happened in. */
const READ_EVERY_MS = 5000;

/** A VU that stops waits this long at most for its last requests to end (a long poll never does). */
const SETTLE_REQUESTS_MS = 500;

/** Thrown into a step when the run interrupts the VU. */
class Interrupted extends Error {
  override name = 'Interrupted';
}

/**
 * Errors a step already recorded. The scenario gets its own error back (it
 * may catch it); what escapes `run` and is in here ended the iteration in a step.
 */
const recordedInStep = new WeakSet<object>();

function markRecorded(error: unknown): unknown {
  const wrapped = typeof error === 'object' && error !== null ? error : new Error(String(error));
  recordedInStep.add(wrapped);
  return wrapped;
}

export class VirtualUser {
  private readonly abortController = new AbortController();
  private stopRequested = false;
  private context: BrowserContext | undefined;
  private page: Page | undefined;
  private metrics: PageMetrics | undefined;
  /** every request of the VU's browser context, whichever page, frame, popup or worker made it */
  private requests: RequestCapture | undefined;
  private readonly timeline = new StepTimeline();
  private lastReadAt = 0;
  private readonly turns = new Turns();

  constructor(private readonly options: VuOptions) {}

  private get collecting(): boolean {
    return this.options.scenario.options?.metrics?.collect !== false && this.options.events.requestsObserved !== undefined;
  }

  get id(): number {
    return this.options.id;
  }

  /** Finish the current iteration, then stop. */
  stopAfterIteration(): void {
    this.stopRequested = true;
    this.turns.stop();
  }

  /** An on-demand VU: run one iteration of `flow` now (or as soon as the current one ends). */
  go(flow = ''): void {
    this.turns.give(flow);
  }

  /** The flow of the next iteration; undefined to stop. */
  private async nextTurn(): Promise<FlowSpec | undefined> {
    if (!this.options.onDemand) return this.options.flows.next();
    const turn = await this.turns.next();
    return turn === false ? undefined : this.options.flows.byName(turn || undefined);
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Stop now: pending waits reject and the context closes under the scenario. */
  interrupt(): void {
    this.stopRequested = true;
    this.abortController.abort(new Interrupted('the run stopped this VU'));
    this.turns.stop();
    void this.context?.close().catch(() => {});
  }

  async run(): Promise<void> {
    const { maxIterations, onDemand } = this.options;
    try {
      this.context = await this.options.browser.createBrowserContext();
      if (this.collecting) this.requests = RequestCapture.open(this.context, this.timeline, this.metricsSink());
      if (onDemand) {
        // Making a page costs about as much as an iteration's first navigation: done before the VU counts as free.
        this.page = await this.newPage();
        onDemand.ready();
      }
      for (let iteration = 0; !this.stopRequested; iteration += 1) {
        if (maxIterations !== undefined && iteration >= maxIterations) break;
        const flow = await this.nextTurn();
        if (!flow) break;
        await this.iterate(iteration, flow);
      }
    } catch (error) {
      if (!this.abortController.signal.aborted) throw error;
    } finally {
      if (this.requests && !this.abortController.signal.aborted) await this.requests.settle(SETTLE_REQUESTS_MS);
      this.requests?.close();
      await this.context?.close().catch(() => {});
    }
  }

  private async iterate(iteration: number, flow: FlowSpec): Promise<void> {
    const { events, now, id } = this.options;
    const signal = this.abortController.signal;
    const flowName = this.options.flows.named ? flow.name : undefined;
    if (!this.page || this.page.isClosed()) this.page = await this.newPage();
    events.iterationStarted(id, iteration, now(), flowName);
    try {
      // The VU a feeder's next() hands its row to.
      await currentVu.run(id, () => flow.run(this.contextFor(this.page!, iteration, flowName)));
      if (!signal.aborted) await this.readMetrics(true);
      events.iterationEnded(id, iteration, now(), signal.aborted ? { kind: 'interrupted' } : { kind: 'completed' }, flowName);
    } catch (error) {
      if (signal.aborted || isDataExhausted(error)) {
        // The data ran out (a unique feeder that stops the load): nothing failed; the controller stops the load.
        events.iterationEnded(id, iteration, now(), { kind: 'interrupted' }, flowName);
        return;
      }
      await this.readMetrics(true);
      const endedAt = now();
      const inStep = typeof error === 'object' && error !== null && recordedInStep.has(error);
      const described = describeError(error);
      // A failed iteration may leave dialogs, hung navigations or a crashed
      // target behind: the next one starts on a fresh page, which an
      // on-demand VU makes before it says it is free again.
      const page = this.page;
      this.page = undefined;
      this.metrics = undefined;
      await page.close().catch(() => {});
      if (this.options.onDemand && !signal.aborted) this.page = await this.newPage().catch(() => undefined);
      events.iterationEnded(id, iteration, endedAt, { kind: 'failed', inStep, ...described }, flowName);
    }
  }

  private async newPage(): Promise<Page> {
    const page = await this.context!.newPage();
    const requests = this.requests;
    if (requests) page.on(REWRITTEN_METHOD_EVENT, (event) => requests.rewrote((event as RewrittenMethod).requestId, (event as RewrittenMethod).method));
    if (this.collecting) {
      this.metrics = await PageMetrics.install(page, this.metricsSink(), this.timeline, this.requests);
      this.lastReadAt = Date.now();
    }
    return this.options.scenario.options?.browser?.leanActions === false ? page : installLeanActions(page);
  }

  /** The page's timings go out on the controller's clock: the page times on this host's. */
  private metricsSink() {
    const { events, now } = this.options;
    return {
      requests: (batch: Array<{ step: string; endedAt: number; sample: RequestSample }>) => {
        const offset = now() - Date.now();
        events.requestsObserved?.(batch.map(({ step, endedAt, sample }) => ({ step, atMs: endedAt + offset, sample })));
      },
      pageViewEnded: (view: { step: string; vitals: VitalValues }) => events.pageViewEnded?.({ ...view, atMs: now() }),
    };
  }

  private async readMetrics(endView: boolean): Promise<void> {
    if (!this.metrics) return;
    this.lastReadAt = Date.now();
    await this.metrics.read(endView);
  }

  private async keepEvidence(page: Page, failure: Omit<Evidence, 'url' | 'consoleErrors' | 'failedRequests' | 'screenshot'>): Promise<void> {
    const { events, evidenceBudget } = this.options;
    if (!events.evidence || !evidenceBudget?.take(failure.errorClass)) return;
    events.evidence(await captureEvidence(page, this.metrics, failure));
  }

  /** `flow`: a named flow's steps are reported as "<flow>/<step>" */
  private contextFor(page: Page, iteration: number, flow: string | undefined): ScenarioContext {
    const { events, now, id, env } = this.options;
    const signal = this.abortController.signal;
    return {
      page,
      env,
      secrets: this.options.secrets ?? {},
      setupData: this.options.setupData,
      vu: id,
      iteration,
      signal,
      step: async <T>(given: string, fn: () => Promise<T> | T): Promise<T> => {
        if (typeof given !== 'string' || given.trim() === '') throw new TypeError('step(name, fn): name must be a non-empty string');
        if (typeof fn !== 'function') throw new TypeError(`step("${given}", fn): fn must be a function`);
        const name = flow ? `${flow}/${given}` : given;
        signal.throwIfAborted();
        this.timeline.begin(name, Date.now());
        const started = performance.now();
        try {
          const value = await fn();
          if (signal.aborted) throw signal.reason;
          events.stepEnded({ vu: id, iteration, name, atMs: now(), durationMs: performance.now() - started });
          this.timeline.end(Date.now());
          if (this.metrics && Date.now() - this.lastReadAt > READ_EVERY_MS) await this.readMetrics(false);
          return value;
        } catch (error) {
          if (signal.aborted || isDataExhausted(error)) throw error;
          const durationMs = performance.now() - started;
          const atMs = now();
          this.timeline.end(Date.now());
          const described = describeError(error);
          events.stepEnded({ vu: id, iteration, name, atMs, durationMs, error: described });
          await this.keepEvidence(page, { step: name, ...described, at: atMs, vu: id, iteration });
          throw markRecorded(error);
        }
      },
      think: (ms) => sleep(thinkMs(ms), signal),
    };
  }
}

/** A feeder's rows ran out and end the load (src/scenario/feeder.ts DataExhausted; it crosses threads by name). */
function isDataExhausted(error: unknown): boolean {
  return error instanceof Error && error.name === 'DataExhausted';
}

export function thinkMs(ms: number | readonly [number, number]): number {
  if (typeof ms === 'number') {
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`think(ms): expected milliseconds >= 0, got ${ms}`);
    return ms;
  }
  const [min, max] = ms;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    throw new TypeError(`think([min, max]): expected 0 <= min <= max, got [${min}, ${max}]`);
  }
  return min + Math.random() * (max - min);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
