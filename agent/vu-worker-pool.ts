// The main thread's side of the VU workers: starts them (each launches its
// browser), gives out VUs round-robin, and turns their messages back into
// VU events and ScheduledVu promises for the scheduler.
import os from 'node:os';
import { registerBrowserGroup } from './browser-groups.js';
import type { ScheduledVu } from './scheduler.js';
import type { VuEvents } from './vu.js';
import type { StartMessage } from '../src/protocol/messages.js';
import { answerFor } from './feeds/feed-hook.js';
import type { FeedRows } from './feeds/feed-rows.js';
import type { FromVuWorker, ToVuWorker, VuWorkerInit } from './vu-worker-messages.js';
import { startVuThread, type VuThread } from './vu-thread.js';

/** Above this many VUs in one browser, a second browser (and thread) pays for itself. */
export const VUS_PER_VU_WORKER = 40;

export function vuWorkersFor(peakVus: number, cores = os.cpus().length, override?: number): number {
  if (override !== undefined) return Math.max(1, override);
  return Math.max(1, Math.min(cores, Math.ceil(peakVus / VUS_PER_VU_WORKER)));
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** An arrival-rate VU on some worker: kept between iterations, given one at a time. */
export interface OnDemandVu {
  readonly id: number;
  /** resolves once its context and page are up; rejects when it could not make them */
  readonly ready: Promise<void>;
  /** settles when its loop has ended */
  readonly done: Promise<void>;
  /** run one iteration (of `flow`, else the VU's next weighted one); `onIdle` hears when it has ended */
  dispatch(flow?: string): void;
  stopAfterIteration(): void;
  interrupt(): void;
  onIdle: () => void;
}

export class VuWorkerPool {
  private events: VuEvents | undefined;
  private readonly running = new Map<number, Pending>();
  private readonly onDemand = new Map<number, { vu: OnDemandVu; ready: Pending }>();
  private onBrowserExit: () => void = () => {};
  /** hears what a VU worker says that fails no step (vu-worker-messages.ts 'warn') */
  onWarning: (message: string) => void = () => {};

  private constructor(
    private readonly workers: VuThread[],
    readonly chromium: string,
  ) {
    for (const worker of workers) worker.on('message', (message: FromVuWorker) => (message.kind === 'feed-take' ? this.feed(worker, message) : this.handle(message)));
  }

  private feeds: FeedRows | undefined;

  /** Where the VUs' feeders get their rows: one for all workers, so leases and files are held once. */
  serveFeeds(rows: FeedRows): void {
    this.feeds = rows;
  }

  private feed(worker: VuThread, message: Extract<FromVuWorker, { kind: 'feed-take' }>): void {
    if (!this.feeds) return void worker.postMessage({ kind: 'feed-row', request: message.request, error: { name: 'Error', message: 'this agent serves no data' } } satisfies ToVuWorker);
    void answerFor(this.feeds, message.request, message.spec, message.vu).then((answer) => worker.postMessage({ kind: 'feed-row', ...answer } satisfies ToVuWorker));
  }

  /**
   * Starts `count` workers; resolves once every browser is up, or rejects with
   * the first failure. `onRetry` hears of each browser start that failed and is tried again.
   */
  static async launch(
    script: string,
    count: number,
    init: Omit<VuWorkerInit, 'role'>,
    onRetry: (message: string, attempt: number) => void,
  ): Promise<VuWorkerPool> {
    const workers = Array.from({ length: count }, () => startVuThread(script, { role: 'vu-worker', ...init }, count === 1));
    const ready = workers.map(
      (worker) =>
        new Promise<string>((resolve, reject) => {
          const onMessage = (message: FromVuWorker) => {
            if (message.kind === 'ready') {
              registerBrowserGroup(message.pid);
              resolve(message.chromium);
            }
            else if (message.kind === 'failed') reject(new Error(message.message));
            else if (message.kind === 'launch-retry') return onRetry(message.message, message.attempt);
            else return;
            worker.off('message', onMessage);
          };
          worker.on('message', onMessage);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`a VU worker exited (${code}) before its browser was up`)));
        }),
    );
    const settled = await Promise.allSettled(ready);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failure.reason;
    }
    return new VuWorkerPool(workers, (settled[0] as PromiseFulfilledResult<string>).value);
  }

  get size(): number {
    return this.workers.length;
  }

  startLoad(start: Pick<StartMessage, 'env' | 'secrets' | 'setupData'>, clockOffsetMs: number, events: VuEvents, onBrowserExit: () => void): void {
    this.events = events;
    this.onBrowserExit = onBrowserExit;
    this.broadcast({ kind: 'start-load', env: start.env, secrets: start.secrets ?? {}, setupData: start.setupData, clockOffsetMs });
  }

  /** `flows`: the named flows its iterations choose from; absent: all of the scenario's */
  createVu(id: number, flows?: readonly string[]): ScheduledVu {
    const worker = this.workers[id % this.workers.length]!;
    const send = (message: ToVuWorker) => worker.postMessage(message);
    let stopping = false;
    return {
      id,
      get stopping() {
        return stopping;
      },
      run: () =>
        new Promise<void>((resolve, reject) => {
          this.running.set(id, { resolve, reject });
          send({ kind: 'start-vu', vu: id, ...(flows ? { flows: [...flows] } : {}) });
        }),
      stopAfterIteration: () => {
        stopping = true;
        send({ kind: 'stop-after-iteration', vu: id });
      },
      interrupt: () => {
        stopping = true;
        send({ kind: 'interrupt', vu: id });
      },
    };
  }

  /** Starts making an arrival-rate VU; it runs nothing until dispatched. */
  openVu(id: number): OnDemandVu {
    const worker = this.workers[id % this.workers.length]!;
    const send = (message: ToVuWorker) => worker.postMessage(message);
    let readyPending!: Pending;
    const ready = new Promise<void>((resolve, reject) => (readyPending = { resolve, reject }));
    const done = new Promise<void>((resolve, reject) => this.running.set(id, { resolve, reject }));
    // Whoever awaits only `done` must not see an unhandled rejection of `ready`.
    ready.catch(() => {});
    const vu: OnDemandVu = {
      id,
      ready,
      done,
      dispatch: (flow) => send({ kind: 'iterate', vu: id, ...(flow ? { flow } : {}) }),
      stopAfterIteration: () => send({ kind: 'stop-after-iteration', vu: id }),
      interrupt: () => send({ kind: 'interrupt', vu: id }),
      onIdle: () => {},
    };
    this.onDemand.set(id, { vu, ready: readyPending });
    send({ kind: 'open-vu', vu: id });
    return vu;
  }

  /** Closes every browser and ends the threads. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 10_000);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.postMessage({ kind: 'close' } satisfies ToVuWorker);
          }),
      ),
    );
  }

  private broadcast(message: ToVuWorker): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  private handle(message: FromVuWorker): void {
    const events = this.events;
    switch (message.kind) {
      case 'iteration-started':
        return events?.iterationStarted(message.vu, message.iteration, message.atMs, message.flow);
      case 'step-ended':
        return events?.stepEnded(message.outcome);
      case 'iteration-ended':
        events?.iterationEnded(message.vu, message.iteration, message.atMs, message.result, message.flow);
        return this.onDemand.get(message.vu)?.vu.onIdle();
      case 'vu-ready':
        return this.onDemand.get(message.vu)?.ready.resolve();
      case 'requests':
        return events?.requestsObserved?.(message.batch);
      case 'page-view':
        return events?.pageViewEnded?.(message.view);
      case 'evidence':
        return events?.evidence?.(message.evidence);
      case 'vu-ended': {
        const pending = this.running.get(message.vu);
        this.running.delete(message.vu);
        this.onDemand.get(message.vu)?.ready.reject(new Error(message.error ?? 'the VU ended before its page was up'));
        this.onDemand.delete(message.vu);
        if (message.error) pending?.reject(new Error(message.error));
        else pending?.resolve();
        return;
      }
      case 'browser-exited':
        return this.onBrowserExit();
      case 'warn':
        return this.onWarning(message.message);
      default:
        return;
    }
  }
}
