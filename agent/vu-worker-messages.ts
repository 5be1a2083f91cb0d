// Messages between the agent's main thread (uplink, scheduler, windows) and
// its VU worker threads (one browser each). In-process only: plain types.
import type { Evidence } from '../src/protocol/messages.js';
import type { ObservedRequestEvent, StepOutcome, VuEvents } from './vu.js';
import type { FeederSpec } from '../src/scenario/feeder.js';
import type { FeedAnswer } from './feeds/feed-hook.js';

export interface VuWorkerInit {
  role: 'vu-worker';
  browserPath: string;
  scenarioPath: string;
}

export type ToVuWorker =
  | { kind: 'start-load'; env: Record<string, string>; secrets: Record<string, string>; setupData: unknown; clockOffsetMs: number }
  /** `flows`: the named flows this VU's mix is made of (a flow-loads plan's load); absent: all */
  | { kind: 'start-vu'; vu: number; flows?: string[] }
  /** an arrival-rate VU: make its context and page, say `vu-ready`, then run one iteration per `iterate` */
  | { kind: 'open-vu'; vu: number }
  /** `flow`: the flow the scheduler chose for this arrival */
  | { kind: 'iterate'; vu: number; flow?: string }
  | { kind: 'stop-after-iteration'; vu: number }
  | { kind: 'interrupt'; vu: number }
  /** a feeder's row for a VU of this worker, or why there is none */
  | ({ kind: 'feed-row' } & FeedAnswer)
  | { kind: 'close' };

type IterationResult = Parameters<VuEvents['iterationEnded']>[3];

export type FromVuWorker =
  | { kind: 'ready'; chromium: string; pid?: number }
  | { kind: 'failed'; message: string }
  | { kind: 'launch-retry'; attempt: number; message: string }
  /** something the user should hear of that fails no step (a promise the scenario left rejected) */
  | { kind: 'warn'; message: string }
  | { kind: 'iteration-started'; vu: number; iteration: number; atMs: number; flow?: string }
  | { kind: 'step-ended'; outcome: StepOutcome }
  | { kind: 'iteration-ended'; vu: number; iteration: number; atMs: number; result: IterationResult; flow?: string }
  | { kind: 'requests'; batch: ObservedRequestEvent[] }
  | { kind: 'page-view'; view: Parameters<NonNullable<VuEvents['pageViewEnded']>>[0] }
  | { kind: 'evidence'; evidence: Evidence }
  | { kind: 'vu-ready'; vu: number }
  | { kind: 'vu-ended'; vu: number; error?: string }
  | { kind: 'browser-exited' }
  /** a VU's feeder wants its next row (agent/feeds/) */
  | { kind: 'feed-take'; request: number; spec: FeederSpec; vu: number }
  | { kind: 'closed' };
