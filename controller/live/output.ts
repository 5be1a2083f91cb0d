// The live-output seam: what a run's live consumers (progress lines, the
// dashboard, exporters, the live threshold judge) are given while the run
// goes on. The run session alone decides when a window is complete and
// pushes it; no output polls. In the spirit of k6's output.Output.
import type { WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { Plan } from '../../src/protocol/plan.js';

/** The run as outputs know it once its load starts. */
export interface LiveRunInfo {
  runId: string;
  scenario: string;
  plan: Plan;
  windowMs: number;
  /** VU time zero: every agent's windows are aligned to it */
  t0: number;
  agents: ReadonlyArray<{ id: string; host: string }>;
}

/** One interval, once every running agent's window is in or its lateness bound has passed. */
export interface CompletedWindow {
  /** every agent's window of the interval merged */
  merged: MergedWindow;
  /** each agent's own window (its CPU and memory are only there) */
  byAgent: ReadonlyArray<{ agentId: string; body: WindowBody }>;
  /** hosts of running agents whose window was not in when the bound passed */
  missing: readonly string[];
}

/** An agent's window for an interval already given out as complete: what it adds to it. */
export interface LateWindow {
  agentId: string;
  body: WindowBody;
  /** the body alone, as a merged window */
  merged: MergedWindow;
}

/** What an output says at the run's end, for the summary. */
export interface OutputSummary {
  /** one line, e.g. "prometheus-rw http://…: 3 of 40 windows not delivered (connection refused)" */
  line: string;
  /** windows that never reached the target */
  undelivered: number;
}

export interface LiveOutput {
  /** how messages name it: "prometheus-rw http://127.0.0.1:9090/api/v1/write" */
  readonly name: string;
  /** the load starts */
  start?(run: LiveRunInfo): void;
  /** a complete window, in order of windowStart, each once */
  windowComplete(window: CompletedWindow): void;
  /** a window that came after its interval was given out (its agent was late) */
  windowLate?(late: LateWindow): void;
  /** an interval already given out, whose window an agent sent again with other content: every agent's window of it merged anew */
  windowReplaced?(merged: MergedWindow): void;
  /** the load is over and every window given out: deliver what is left within `deadlineMs`, never throw */
  stop?(end: { deadlineMs: number }): Promise<OutputSummary | undefined>;
}
