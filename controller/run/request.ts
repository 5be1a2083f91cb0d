// What a run is asked to do, what it ends with, and the only way tests,
// benchmarks and calibrate look inside one while it happens.
import type { Report } from '../../src/protocol/report.js';
import type { ChromiumSource, NodeSource } from '../../provisioning/prepare-plan.js';
import type { LoadFlags } from '../load-plan.js';
import type { RunTiming } from './prepare.js';
import type { OutputTarget } from '../outputs/targets.js';

/** The user's request: every field here can be set from the command line. */
export interface RunRequest {
  /** the scenario file as the user typed it */
  scenario: string;
  flags: LoadFlags;
  env: Record<string, string>;
  /** --secret values by name: sent to agents in memory, masked in everything written or printed */
  secrets?: Record<string, string>;
  /** --threshold flags: "step:home:p95<500" */
  thresholds?: string[];
  /** --abort-on-fail: the --threshold flags stop the load when they fail, judged from `delay` (--abort-delay) into the load */
  abortOnFail?: { delay: string };
  window?: string;
  /** the results folder */
  out?: string;
  /** --out kind=target: where every window is exported as it completes */
  outputs?: OutputTarget[];
  /** --export-quantiles: the latency quantiles exporters send */
  exportQuantiles?: number[];
  db?: string;
  browserPath?: string;
  /** inventory file: run agents on these hosts over SSH instead of locally */
  hosts?: string;
  acceptNewHostKeys?: boolean;
  /** go on without unusable hosts as long as this many are usable */
  minHosts?: number;
  /** false (--no-prepare): a host that lacks Node.js or Chromium is unusable instead of prepared */
  prepare?: boolean;
  /** how a host without Node.js gets it when prepared: auto, download or push (--node-from) */
  nodeFrom?: NodeSource;
  /** --node-mirror: where hosts download Node.js from */
  nodeMirror?: string;
  /** how a host without Chromium gets it when prepared: auto, package or download (--chromium-from) */
  chromiumFrom?: ChromiumSource;
  /** --chrome-mirror: where hosts download Chrome for Testing from */
  chromeMirror?: string;
  /** false: plain lines even on a terminal (--no-dashboard) */
  dashboard?: boolean;
  /** --allow-origin: a URL list's origins besides its first line's */
  allowOrigins?: string[];
  /** --agent-grace: how long a remote agent that lost the controller keeps trying before it stops (default 60s) */
  agentGrace?: string;
}

export interface RunHooks {
  /**
   * Tests only: the run's clockwork shortened (heartbeat, agent grace, reconnect
   * margin), so that a fault test need not wait out production defaults.
   */
  timing?: Partial<RunTiming>;
  /** Every agent has been sent its start; VU time zero is `t0`. Benchmarks time their samples from it, and count local agents' CPU by `localPids`. */
  started?(t0: number, localPids: number[]): void;
  /** An agent's window is committed to the store and its ack not yet sent: tests inject faults here. */
  windowCommitted?(agentId: string, seq: number): void;
}

export interface RunOutcome {
  exitCode: number;
  runId: string;
  report: Report;
  outDir: string;
  dbPath: string;
  /** windows agents sent again after a reconnect, already stored and not counted twice */
  resentWindows: number;
}
