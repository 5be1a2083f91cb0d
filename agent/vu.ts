// One virtual user: its own browser context and page, running the scenario's
// `run` in a loop and reporting each step's outcome as an event.
import { performance } from 'node:perf_hooks';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { Scenario, ScenarioContext } from '../src/scenario/index.js';
import { installLeanActions } from './lean-actions.js';

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
  iterationStarted(vu: number, iteration: number, atMs: number): void;
  stepEnded(outcome: StepOutcome): void;
  /** `interrupted`: the run stopped it; neither a completion nor a failure */
  iterationEnded(
    vu: number,
    iteration: number,
    atMs: number,
    result: { kind: 'completed' } | { kind: 'interrupted' } | { kind: 'failed'; errorClass: string; message: string; inStep: boolean },
  ): void;
}

export interface VuOptions {
  id: number;
  browser: Browser;
  scenario: Scenario;
  env: Readonly<Record<string, string>>;
  events: VuEvents;
  /** controller-clock epoch ms */
  now: () => number;
  maxIterations?: number;
}

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

export function describeError(error: unknown): { errorClass: string; message: string } {
  if (error instanceof Error) {
    const errorClass = error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
    return { errorClass, message: (error.message.split('\n')[0] ?? '').trim() || errorClass };
  }
  return { errorClass: 'NonError', message: String(error) };
}

export class VirtualUser {
  private readonly abortController = new AbortController();
  private stopRequested = false;
  private context: BrowserContext | undefined;
  private page: Page | undefined;

  constructor(private readonly options: VuOptions) {}

  get id(): number {
    return this.options.id;
  }

  /** Finish the current iteration, then stop. */
  stopAfterIteration(): void {
    this.stopRequested = true;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Stop now: pending waits reject and the context closes under the scenario. */
  interrupt(): void {
    this.stopRequested = true;
    this.abortController.abort(new Interrupted('the run stopped this VU'));
    void this.context?.close().catch(() => {});
  }

  async run(): Promise<void> {
    const { maxIterations } = this.options;
    try {
      this.context = await this.options.browser.createBrowserContext();
      for (let iteration = 0; !this.stopRequested; iteration += 1) {
        if (maxIterations !== undefined && iteration >= maxIterations) break;
        await this.iterate(iteration);
      }
    } catch (error) {
      if (!this.abortController.signal.aborted) throw error;
    } finally {
      await this.context?.close().catch(() => {});
    }
  }

  private async iterate(iteration: number): Promise<void> {
    const { events, now, id } = this.options;
    const signal = this.abortController.signal;
    if (!this.page || this.page.isClosed()) this.page = await this.newPage();
    events.iterationStarted(id, iteration, now());
    try {
      await this.options.scenario.run(this.contextFor(this.page, iteration));
      events.iterationEnded(id, iteration, now(), signal.aborted ? { kind: 'interrupted' } : { kind: 'completed' });
    } catch (error) {
      if (signal.aborted) {
        events.iterationEnded(id, iteration, now(), { kind: 'interrupted' });
        return;
      }
      const inStep = typeof error === 'object' && error !== null && recordedInStep.has(error);
      const described = describeError(error);
      events.iterationEnded(id, iteration, now(), { kind: 'failed', inStep, ...described });
      // A failed iteration may leave dialogs, hung navigations or a crashed
      // target behind: the next one starts on a fresh page.
      const page = this.page;
      this.page = undefined;
      await page.close().catch(() => {});
    }
  }

  private async newPage(): Promise<Page> {
    const page = await this.context!.newPage();
    return this.options.scenario.options?.browser?.leanActions === false ? page : installLeanActions(page);
  }

  private contextFor(page: Page, iteration: number): ScenarioContext {
    const { events, now, id, env } = this.options;
    const signal = this.abortController.signal;
    return {
      page,
      env,
      vu: id,
      iteration,
      signal,
      step: async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
        if (typeof name !== 'string' || name.trim() === '') throw new TypeError('step(name, fn): name must be a non-empty string');
        if (typeof fn !== 'function') throw new TypeError(`step("${name}", fn): fn must be a function`);
        signal.throwIfAborted();
        const started = performance.now();
        try {
          const value = await fn();
          if (signal.aborted) throw signal.reason;
          events.stepEnded({ vu: id, iteration, name, atMs: now(), durationMs: performance.now() - started });
          return value;
        } catch (error) {
          if (signal.aborted) throw error;
          const durationMs = performance.now() - started;
          events.stepEnded({ vu: id, iteration, name, atMs: now(), durationMs, error: describeError(error) });
          throw markRecorded(error);
        }
      },
      think: (ms) => sleep(thinkMs(ms), signal),
    };
  }
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
