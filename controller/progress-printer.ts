// One plain line per window, in order, as each is complete (every running
// agent has sent it, or it is overdue), for terminals without the dashboard
// and for CI.
import type { Io } from '../src/io.js';
import type { CompletedWindow, LiveOutput, LiveRunInfo } from './live/output.js';
import { progressLine } from './progress.js';

export class ProgressPrinter implements LiveOutput {
  readonly name = 'progress lines';
  private t0 = 0;

  constructor(private readonly io: Io) {}

  start(run: LiveRunInfo): void {
    this.t0 = run.t0;
  }

  windowComplete({ merged, missing }: CompletedWindow): void {
    this.io.out(progressLine(merged, this.t0, missing) + '\n');
  }
}
