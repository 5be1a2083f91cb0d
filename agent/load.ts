// An agent's share of the load, from its start message to its bye: VUs on
// the plan's curve from t0, their events into aligned windows, each window
// sent a little after it closes, the last ones at the end.
import { UrlLabeler } from '../src/metrics/url-label.js';
import type { LeaseClient } from './feeds/leases.js';
import { WindowAggregator } from '../src/metrics/window.js';
import type { MetricsOptions } from '../src/scenario/index.js';
import { DEFAULT_EVIDENCE_PER_ERROR, EvidenceBudget } from './evidence.js';
import type { StartMessage, WindowBody } from '../src/protocol/messages.js';
import { isArrivalPlan, isFlowLoadsPlan, loadsOf, type SinglePlan } from '../src/protocol/plan.js';
import { loadFirstVus } from '../src/load/split.js';
import { peakVus } from '../src/load/stages.js';
import { ArrivalScheduler } from './arrival-scheduler.js';
import type { AgentControl } from './control.js';
import { ResourceMonitor } from './monitor.js';
import { recorderFor } from './recorder.js';
import { SaturationGuard } from './saturation.js';
import { VuScheduler } from './scheduler.js';
import type { Uplink } from './uplink.js';
import { describeError } from './describe-error.js';
import { fitWindow } from '../src/metrics/window-bounds.js';
import type { OnDemandVu, VuWorkerPool } from './vu-worker-pool.js';

export interface LoadInput {
  start: StartMessage;
  /** unique rows this agent leased: what it did not hand out goes back at the end */
  leases?: Pick<LeaseClient, 'giveBack'>;
  pool: VuWorkerPool;
  /** an arrival-rate run's VUs, made before the agent said ready */
  preAllocated?: readonly OnDemandVu[];
  uplink: Uplink;
  control: AgentControl;
  agentId: string;
  log: (line: string) => void;
  /** heartbeats report the scheduler's count of running VUs */
  activeVus: (count: () => number) => void;
  /** the scenario's metrics options */
  metrics?: MetricsOptions;
}

const BROWSER_EXITED = 'Chromium exited';

export async function runLoad(input: LoadInput): Promise<{ code: number; reason: string }> {
  const { start, pool, uplink, control } = input;
  const offset = start.controllerNow - Date.now();
  const now = () => Date.now() + offset;
  const aggregator = new WindowAggregator(start.windowMs, start.t0, loadsOf(start.plan).some(isArrivalPlan));
  const monitor = new ResourceMonitor();
  const windows = new WindowSender(uplink);
  // Each agent reports a little after the boundary, by an offset of its own:
  // thousands of agents closing the same window do not all land at once.
  const reportDelay = reportOffsetMs(input.agentId, start.windowMs);
  const scheduler = schedulerFor(input, aggregator, now, () => windows.saturated);
  input.activeVus(() => scheduler.active);
  let stopReason = 'plan complete';
  control.running((reason) => {
    stopReason = reason;
    scheduler.stop();
  });
  const recorder = recorderFor(aggregator, {
    labeler: new UrlLabeler(input.metrics?.requestGroups, input.metrics?.maxRequestLabels),
    evidenceBudget: new EvidenceBudget(input.metrics?.evidencePerError ?? DEFAULT_EVIDENCE_PER_ERROR),
    sendEvidence: (evidence) => uplink.send({ type: 'evidence', evidence }),
  });
  pool.startLoad(start, offset, recorder, () => {
    stopReason = BROWSER_EXITED;
    scheduler.abort();
  });
  await sleepUntil(start.t0, now);
  scheduler.start();
  const windowTimer = setInterval(() => windows.send(aggregator.takeClosed(now() - reportDelay, () => monitor.sample())), 250);
  await scheduler.done;
  clearInterval(windowTimer);
  control.finishing();
  windows.send(aggregator.takeAll(now(), () => monitor.sample()));
  monitor.stop();
  // Before the bye: the controller's account of rows is final once every agent said it.
  await input.leases?.giveBack();
  uplink.send({ type: 'bye', windows: windows.sent, reason: stopReason });
  return { code: stopReason === BROWSER_EXITED ? 1 : 0, reason: stopReason };
}

interface LoadScheduler {
  readonly active: number;
  readonly done: Promise<void>;
  start(): void;
  stop(): void;
  abort(): void;
}

/**
 * A closed plan loops VUs on its curve; an arrival plan starts iterations on
 * schedule on kept VUs; a flow-loads plan runs one of those per load, side by
 * side, each numbering its VUs in a range of its own.
 */
function schedulerFor(input: LoadInput, aggregator: WindowAggregator, now: () => number, saturated: () => boolean): LoadScheduler {
  const { start } = input;
  const plan = start.plan;
  if (!isFlowLoadsPlan(plan)) return singleScheduler(input, plan, start.firstVu, input.preAllocated ?? [], aggregator, now, saturated);
  const busy = plan.loads.map(() => 0);
  const kept = plan.loads.map(() => 0);
  const firsts = loadFirstVus(plan, start.firstVu);
  const schedulers = plan.loads.map((load, i) => {
    const first = firsts[i]!;
    const own = (input.preAllocated ?? []).filter((vu) => vu.id >= first && vu.id < first + peakVus(load));
    // Each flow's windows say what its load keeps: the flows of one load share its VUs.
    const keptForFlows = (allocated: number, atMs: number) => load.flows.forEach((flow) => aggregator.flowAllocatedChanged(flow.name, allocated, atMs));
    const counts: VuCounts = {
      activeVusChanged: (active, atMs) => {
        busy[i] = active;
        aggregator.activeVusChanged(sum(busy), atMs);
        // A closed load keeps just the VUs it runs.
        if (!isArrivalPlan(load)) counts.allocatedVusChanged(active, atMs);
      },
      allocatedVusChanged: (allocated, atMs) => {
        kept[i] = allocated;
        aggregator.allocatedVusChanged(sum(kept), atMs);
        keptForFlows(allocated, atMs);
      },
      iterationDropped: (atMs, flowName) => aggregator.iterationDropped(atMs, flowName),
    };
    return singleScheduler(input, load, first, own, counts, now, saturated);
  });
  return {
    get active() {
      return schedulers.reduce((total, scheduler) => total + scheduler.active, 0);
    },
    done: Promise.all(schedulers.map((scheduler) => scheduler.done)).then(() => undefined),
    start: () => schedulers.forEach((scheduler) => scheduler.start()),
    stop: () => schedulers.forEach((scheduler) => scheduler.stop()),
    abort: () => schedulers.forEach((scheduler) => scheduler.abort()),
  };
}

/** Where a scheduler reports its VUs and drops: the aggregator itself, or a flow-loads plan's sum of its loads. */
type VuCounts = Pick<WindowAggregator, 'activeVusChanged' | 'allocatedVusChanged' | 'iterationDropped'>;

function singleScheduler(
  input: LoadInput,
  plan: SinglePlan,
  firstVu: number,
  preAllocated: readonly OnDemandVu[],
  counts: VuCounts,
  now: () => number,
  saturated: () => boolean,
): LoadScheduler {
  const { start, pool } = input;
  const onVuError = (id: number, error: unknown) => input.log(`VU ${id} stopped: ${describeError(error).message}`);
  if (!isArrivalPlan(plan)) {
    const flows = plan.flows?.map((flow) => flow.name);
    return new VuScheduler({
      plan,
      t0: start.t0,
      now,
      firstVu,
      createVu: (id) => pool.createVu(id, flows),
      onActiveChange: (active) => counts.activeVusChanged(active, now()),
      onVuError,
    });
  }
  return new ArrivalScheduler({
    plan,
    t0: start.t0,
    now,
    preAllocated,
    nextVuId: firstVu + preAllocated.length,
    openVu: (id) => pool.openVu(id),
    onBusyChange: (busy, atMs) => counts.activeVusChanged(busy, atMs),
    onAllocatedChange: (allocated, atMs) => counts.allocatedVusChanged(allocated, atMs),
    onDropped: (atMs, flow) => counts.iterationDropped(atMs, flow),
    onVuError,
    saturated,
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Marks each window saturated or not, sends it, and counts what was sent for the bye. */
class WindowSender {
  private readonly guard = new SaturationGuard();
  sent = 0;
  /** the last window sent was saturated */
  saturated = false;

  constructor(private readonly uplink: Uplink) {}

  send(windows: readonly WindowBody[]): void {
    for (const window of windows) {
      window.saturated = this.guard.observe(window.resources);
      this.saturated = window.saturated;
      this.uplink.send({ type: 'window', window: fitWindow(window) });
      this.sent += 1;
    }
  }
}

/** Up to 2 s, or a fifth of short windows, spread by a hash of the agent id. */
export function reportOffsetMs(agentId: string, windowMs: number): number {
  let hash = 0;
  for (let i = 0; i < agentId.length; i += 1) hash = (hash * 31 + agentId.charCodeAt(i)) >>> 0;
  return hash % Math.min(2000, Math.floor(windowMs / 5));
}

function sleepUntil(at: number, now: () => number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - now())));
}
