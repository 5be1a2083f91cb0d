// The run's completed windows, kept for the dashboard's charts and its
// run-so-far figures: a late agent's window is merged into its interval.
import { MergedWindowBuilder } from '../../src/metrics/merge.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { CompletedWindow, LateWindow, LiveOutput } from './output.js';

export class CompletedSeries implements LiveOutput {
  readonly name = 'series';
  private readonly windows = new Map<number, MergedWindow>();

  windowComplete({ merged }: CompletedWindow): void {
    this.windows.set(merged.windowStart, merged);
  }

  windowLate({ merged }: LateWindow): void {
    const known = this.windows.get(merged.windowStart);
    if (!known) return void this.windows.set(merged.windowStart, merged);
    const builder = MergedWindowBuilder.of(known);
    builder.addMerged(merged);
    this.windows.set(merged.windowStart, builder.build());
  }

  windowReplaced(merged: MergedWindow): void {
    this.windows.set(merged.windowStart, merged);
  }

  /** In order of interval. */
  all(): MergedWindow[] {
    return [...this.windows.values()].sort((a, b) => a.windowStart - b.windowStart);
  }
}
