// Whether a run that the store still calls running (or preparing) is really
// going on: its controller process may have died (kill -9, a crash, a
// closed laptop) without writing its end. Pure, with the probes injected.
import os from 'node:os';
import type { RunRecord, RunStatus } from '../../src/protocol/store.js';

/** How often a live controller tells the store it is alive. */
export const RUN_HEARTBEAT_MS = 5000;
/** Silent this long, a run's controller is taken for gone even when its host cannot be asked. */
export const RUN_STALE_MS = 60_000;

export interface LivenessProbe {
  now: number;
  host: string;
  /** is process `pid` on this host alive? */
  alive(pid: number): boolean;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is only not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function localProbe(): LivenessProbe {
  return { now: Date.now(), host: os.hostname(), alive: processAlive };
}

/** The status a reader should show: `interrupted` for a run whose controller is gone. */
export function runStatusNow(run: Pick<RunRecord, 'status' | 'owner' | 'heartbeatAt'>, probe: LivenessProbe): RunStatus {
  if (run.status !== 'running' && run.status !== 'preparing') return run.status;
  if (run.owner && run.owner.host === probe.host && run.owner.pid !== process.pid && !probe.alive(run.owner.pid)) return 'interrupted';
  if (run.heartbeatAt !== undefined && probe.now - run.heartbeatAt > RUN_STALE_MS) return 'interrupted';
  return run.status;
}
