// Live thresholds: those marked abortOnFail are judged on the whole fleet's
// merged windows as each completes, over the run so far (as the final
// judgement is over the whole run), once their delayAbortEval has passed.
// The first to fail stops the load; nothing is judged after that.
import { evaluateThresholds } from '../report/thresholds.js';
import { RunTotals } from '../report/run-totals.js';
import { isArrivalPlan, loadsOf } from '../../src/protocol/plan.js';
import { planDurationMs } from '../../src/load/stages.js';
import type { StopCause, ThresholdSpec } from '../../src/protocol/store.js';
import type { CompletedWindow, LateWindow, LiveOutput, LiveRunInfo } from './output.js';

export class ThresholdJudge implements LiveOutput {
  readonly name = 'live thresholds';
  private readonly totals = new RunTotals();
  private t0 = 0;
  /** an arrival-rate run's rates are of the iterations it started: over the load so far, as its schedule is not over */
  private arrivals = false;
  private planMs = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    /** only those with abortOnFail are judged here */
    private readonly specs: readonly ThresholdSpec[],
    private readonly stopLoad: (cause: StopCause) => void,
  ) {}

  /** Whether a run needs a judge at all. */
  static wanted(specs: readonly ThresholdSpec[]): boolean {
    return specs.some((spec) => spec.abortOnFail);
  }

  start(run: LiveRunInfo): void {
    this.t0 = run.t0;
    this.arrivals = loadsOf(run.plan).every(isArrivalPlan);
    this.planMs = planDurationMs(run.plan);
  }

  windowComplete({ merged }: CompletedWindow): void {
    this.totals.add(merged);
    if (this.stopped) return;
    // A window that begins after the plan's end has only the last iterations finishing: nothing left to stop.
    if (merged.windowStart - this.t0 >= this.planMs) return;
    const atMs = Math.max(0, merged.windowStart + merged.windowMs - this.t0);
    const due = this.specs.filter((spec) => spec.abortOnFail && atMs >= (spec.delayAbortEvalMs ?? 0));
    if (due.length === 0) return;
    const results = evaluateThresholds(due, this.totals.observations(atMs, this.arrivals ? atMs : undefined));
    // Only a measured failure stops the load: a step that has not run yet has nothing to judge.
    const failed = results.find((result) => !result.passed && result.actual !== undefined);
    if (!failed) return;
    this.stopped = true;
    const threshold = due[results.indexOf(failed)]!;
    this.stopLoad({ threshold, detail: failed.detail, atMs });
  }

  windowLate({ merged }: LateWindow): void {
    this.totals.add(merged);
  }
}
