// The run's completed windows, kept for the dashboard's charts, and their
// run-so-far totals (for its "threshold crossed" lines, added a window at a
// time rather than summed over every window each second): a late agent's
// window is merged into its interval and added to the totals.
import { MergedWindowBuilder } from '../../src/metrics/merge.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { CompletedWindow, LateWindow, LiveOutput } from './output.js';
import { RunTotals } from '../report/run-totals.js';

export class CompletedSeries implements LiveOutput {
  readonly name = 'series';
  private readonly windows = new Map<number, MergedWindow>();
  private runTotals = new RunTotals();

  get totals(): RunTotals {
    return this.runTotals;
  }

  windowComplete({ merged }: CompletedWindow): void {
    this.windows.set(merged.windowStart, merged);
    this.runTotals.add(merged);
  }

  windowLate({ merged }: LateWindow): void {
    this.runTotals.add(merged);
    const known = this.windows.get(merged.windowStart);
    if (!known) return void this.windows.set(merged.windowStart, merged);
    const builder = MergedWindowBuilder.of(known);
    builder.addMerged(merged);
    this.windows.set(merged.windowStart, builder.build());
  }

  /** Rare (an agent restarted and sent a window again with other content): the totals are added up anew. */
  windowReplaced(merged: MergedWindow): void {
    this.windows.set(merged.windowStart, merged);
    this.runTotals = new RunTotals();
    for (const window of this.windows.values()) this.runTotals.add(window);
  }

  /** In order of interval. */
  all(): MergedWindow[] {
    return [...this.windows.values()].sort((a, b) => a.windowStart - b.windowStart);
  }
}
