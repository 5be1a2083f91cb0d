// The hook a feeder's `next()` calls (src/scenario/feeder.ts), installed
// before the scenario loads: in a VU worker it asks the agent's main thread,
// which holds the data files and the leases once for all workers; for `squall
// check`, one VU in this process, it reads the rows itself. A perVu feeder's
// row is kept by the VU's thread for the VU's whole life.
import { FEED_HOOK, type FeedHook, type FeederSpec } from '../../src/scenario/feeder.js';
import { currentVu } from './current-vu.js';
import type { FeedRows } from './feed-rows.js';

/** A row or why there is none, as it crosses from the main thread. */
export type FeedAnswer = { request: number; row: unknown } | { request: number; error: { name: string; message: string } };

abstract class VuFeeds implements FeedHook {
  private readonly perVuRows = new Map<string, unknown>();

  async take(spec: FeederSpec): Promise<unknown> {
    const vu = currentVu.getStore();
    if (vu === undefined) throw new Error(`feeder(${spec.data.name}): next() is for a VU's iteration, not the scenario's top level`);
    const key = `${spec.id}\u0000${vu}`;
    if (spec.perVu && this.perVuRows.has(key)) return this.perVuRows.get(key);
    const row = await this.fetch(spec, vu);
    if (spec.perVu) this.perVuRows.set(key, row);
    return row;
  }

  protected abstract fetch(spec: FeederSpec, vu: number): Promise<unknown>;
}

/** In a VU worker: rows come from the main thread. */
export class WorkerFeeds extends VuFeeds {
  private readonly pending = new Map<number, { resolve: (row: unknown) => void; reject: (error: Error) => void }>();
  private nextRequest = 0;

  constructor(private readonly ask: (request: number, spec: FeederSpec, vu: number) => void) {
    super();
  }

  answer(answer: FeedAnswer): void {
    const pending = this.pending.get(answer.request);
    this.pending.delete(answer.request);
    if (!pending) return;
    if ('row' in answer) return pending.resolve(answer.row);
    pending.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name }));
  }

  protected fetch(spec: FeederSpec, vu: number): Promise<unknown> {
    const request = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(request, { resolve, reject });
      this.ask(request, spec, vu);
    });
  }
}

/** In this process (`squall check`): rows straight from the file. */
export class LocalFeeds extends VuFeeds {
  constructor(private readonly rows: FeedRows) {
    super();
  }

  protected fetch(spec: FeederSpec, vu: number): Promise<unknown> {
    return this.rows.take(spec, vu);
  }
}

export function installFeeds(hook: FeedHook): void {
  (globalThis as { [FEED_HOOK]?: FeedHook })[FEED_HOOK] = hook;
}

/** The main thread's answer to a worker's ask. */
export async function answerFor(rows: FeedRows, request: number, spec: FeederSpec, vu: number): Promise<FeedAnswer> {
  try {
    return { request, row: await rows.take(spec, vu) };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { request, error: { name, message } };
  }
}
