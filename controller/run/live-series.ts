// Merged windows kept up to date as agents' windows arrive, for live
// progress. The store's raw windows stay the source of truth: the end of the
// run rebuilds the series from them.
import { MergedWindowBuilder } from '../../src/metrics/merge.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';

export class LiveSeries {
  private readonly windows = new Map<number, MergedWindowBuilder>();
  /** Merged only when someone looks: taking a window in stays cheap, so its ack goes out sooner. */
  private pending: WindowBody[] = [];

  add(body: WindowBody): void {
    this.pending.push(body);
  }

  private fold(): void {
    const pending = this.pending;
    this.pending = [];
    for (const body of pending) this.merge(body);
  }

  private merge(body: WindowBody): void {
    let builder = this.windows.get(body.windowStart);
    if (!builder) {
      builder = new MergedWindowBuilder(body.windowStart, body.windowMs);
      this.windows.set(body.windowStart, builder);
    }
    builder.add(body);
  }

  /** A window an agent sent again with different content: merge it anew from all of them. */
  replace(bodies: readonly WindowBody[]): void {
    const first = bodies[0];
    if (!first) return;
    this.fold();
    this.windows.delete(first.windowStart);
    for (const body of bodies) this.merge(body);
  }

  get(windowStart: number): MergedWindow | undefined {
    this.fold();
    return this.windows.get(windowStart)?.build();
  }

  starts(): number[] {
    this.fold();
    return [...this.windows.keys()].sort((a, b) => a - b);
  }
}
