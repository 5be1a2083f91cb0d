// Whether a run that the store still calls running (or preparing) is really
// going on: its controller process may have died (kill -9, a crash, a
// closed laptop) without writing its end. Pure, with the probes injected.
import os from 'node:os';
import type { RunRecord, RunStatus } from '../../src/protocol/store.js';

/** How often a live controller tells the store it is alive. */
export const RUN_HEARTBEAT_MS = 5000;
/** Silent this long, a run's controller is taken for gone even when its host cannot be asked (mind clock skew between hosts sharing a store). */
export const RUN_STALE_MS = 60_000;
/**
 * A dead pid alone is not proof: a reader in another PID namespace with the
 * same hostname (a container on the host network) sees other pids. With two
 * heartbeats missed as well, it is.
 */
export const DEAD_OWNER_SILENT_MS = 2 * RUN_HEARTBEAT_MS;

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
  const silentMs = run.heartbeatAt === undefined ? Infinity : probe.now - run.heartbeatAt;
  const ownerDead = run.owner !== undefined && run.owner.host === probe.host && run.owner.pid !== process.pid && !probe.alive(run.owner.pid);
  if (ownerDead && silentMs > DEAD_OWNER_SILENT_MS) return 'interrupted';
  if (silentMs !== Infinity && silentMs > RUN_STALE_MS) return 'interrupted';
  return run.status;
}
