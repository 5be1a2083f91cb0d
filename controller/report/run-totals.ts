// The merged numbers of a run's windows so far, added a window at a time:
// what thresholds are judged on, at the end (build.ts) and live, as windows
// complete (controller/live/threshold-judge.ts), without re-reading the run.
import { addCounts, StepTable } from '../../src/metrics/merge.js';
import { pageViewTable, requestTable } from '../../src/metrics/request-stats.js';
import { StepAccumulator } from '../../src/metrics/step-stats.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { BrowserTotals } from './browser-metrics.js';
import type { Observations } from './thresholds.js';

type IterationCounts = WindowBody['iterations'];

export class RunTotals {
  readonly totals = new StepTable();
  private readonly allSteps = new StepAccumulator();
  private iterations: IterationCounts = { started: 0, completed: 0, failed: 0 };
  private readonly flows = new Map<string, IterationCounts>();
  private readonly requests = requestTable();
  private readonly pageViews = pageViewTable();
  private collected = false;
  /** windows added */
  windows = 0;

  add(window: MergedWindow): void {
    this.windows += 1;
    this.totals.add(window.steps);
    for (const stats of Object.values(window.steps)) this.allSteps.addWindow(stats);
    this.iterations = addCounts(this.iterations, window.iterations);
    for (const [name, counts] of Object.entries(window.flows ?? {})) this.flows.set(name, addCounts(this.flows.get(name), counts));
    if (window.requests || window.pageViews) this.collected = true;
    this.requests.add(window.requests);
    this.pageViews.add(window.pageViews);
  }

  get browser(): BrowserTotals {
    return { requests: this.requests.entries, pageViews: this.pageViews.entries, collected: this.collected };
  }

  /** Over `durationMs`; an arrival-rate run's rates are judged over its schedule (`scheduleMs`), flows with loads of their own over theirs. */
  observations(durationMs: number, scheduleMs?: number, flowScheduleMs?: ReadonlyMap<string, number>): Observations & { totals: StepTable; browser: BrowserTotals } {
    const browser = this.browser;
    return {
      totals: this.totals,
      steps: this.totals.steps,
      allSteps: this.allSteps,
      iterations: { ...this.iterations },
      flows: this.flows,
      durationMs,
      ...(scheduleMs !== undefined ? { scheduleMs } : {}),
      ...(flowScheduleMs && flowScheduleMs.size > 0 ? { flowScheduleMs } : {}),
      requests: browser.requests,
      pageViews: browser.pageViews,
      browser,
    };
  }
}
