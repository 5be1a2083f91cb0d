// Prints one plain line per window, in order, once every running agent has
// sent it (or it is overdue), for terminals without the dashboard and for CI.
import type { Io } from '../src/io.js';
import { progressLine } from './progress.js';
import type { RunSession } from './run/session.js';

export class ProgressPrinter {
  private timer: NodeJS.Timeout | undefined;
  private lastPrinted = Number.NEGATIVE_INFINITY;
  private t0 = 0;

  constructor(
    private readonly session: RunSession,
    private readonly io: Io,
  ) {}

  start(t0: number): void {
    this.t0 = t0;
    this.timer = setInterval(() => this.print(false), 500);
  }

  /** Prints what is left, complete or not. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.print(true);
  }

  private print(all: boolean): void {
    const now = Date.now();
    for (const start of this.session.live.starts()) {
      if (start <= this.lastPrinted) continue;
      const window = this.session.live.get(start)!;
      const missing = [...this.session.agents.values()].filter((a) => a.status === 'running' && !a.windows.has(start));
      const overdue = now > start + window.windowMs + Math.max(2000, window.windowMs / 2);
      if (!all && missing.length > 0 && !overdue) return;
      this.io.out(progressLine(window, this.t0, missing.map((a) => a.host)) + '\n');
      this.lastPrinted = start;
    }
  }
}
