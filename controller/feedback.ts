// What the user sees while a run goes on: the live Ink dashboard on an
// interactive terminal, or one plain line per window (not a TTY, CI set, or
// --no-dashboard), each as the session completes a window.
import type { Io } from '../src/io.js';
import { snapshotOf, type RunMeta } from './dashboard/snapshot.js';
import type { DashboardHandle, startDashboard } from './dashboard/live.js';
import { ProgressPrinter } from './progress-printer.js';
import type { RunSession } from './run/session.js';

export interface LiveFeedback {
  readonly dashboard: boolean;
  /** the load starts at t0 */
  started(t0: number): void;
  /** before the summary is printed */
  stop(): void;
}

export function wantsDashboard(io: Io, requested: boolean | undefined): boolean {
  return requested !== false && io.terminal !== undefined && !io.env.CI;
}

export type StartDashboard = typeof startDashboard;

/** The dashboard's code (Ink, React, charts), loaded only when it will be drawn: a plain run starts without it. */
export async function dashboardStarter(io: Io, requested: boolean | undefined): Promise<StartDashboard | undefined> {
  return wantsDashboard(io, requested) ? (await import('./dashboard/live.js')).startDashboard : undefined;
}

/** Plain lines are one of the session's outputs, given each window as it completes; the dashboard draws from the session about once a second. */
export function createFeedback(
  session: RunSession,
  io: Io,
  meta: RunMeta,
  onInterrupt: (key: 'q' | 'ctrl-c') => void,
  startDashboard: StartDashboard | undefined,
): LiveFeedback {
  if (!startDashboard || !io.terminal) {
    session.outputs.push(new ProgressPrinter(io));
    return { dashboard: false, started: () => {}, stop: () => {} };
  }
  let handle: DashboardHandle | undefined = startDashboard({ snapshot: () => snapshotOf(session, meta), onInterrupt }, io.terminal);
  return {
    dashboard: true,
    started: (t0) => {
      meta.t0 = t0;
    },
    stop: () => {
      handle?.close();
      handle = undefined;
    },
  };
}
