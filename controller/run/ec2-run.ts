// squall run --ec2 N: the run prepared first (scenario, plan, outputs: every
// check that costs nothing), then a fleet launched for it, the run on the
// fleet, and the fleet terminated however the run ends: done, failed, or
// stopped with Ctrl-C. (A controller killed outright leaves the fleet to its
// own --max-lifetime.)
import type { Io } from '../../src/io.js';
import { InputError } from '../../src/errors.js';
import { formatDuration } from '../../src/load/duration.js';
import { planDurationMs } from '../../src/load/stages.js';
import { bringUpFleet, FleetGuard, type BringUpOptions } from '../ec2/fleet-hosts.js';
import type { RunOutcome, RunRequest } from './request.js';
import { executeRun, withPreparedRun } from './run.js';

/** Launching, SSH and preparing a fleet, before the load starts. */
const LIFETIME_MARGIN_MS = 15 * 60_000;

export function runOnEc2(request: RunRequest, fleet: BringUpOptions, io: Io): Promise<RunOutcome> {
  return withPreparedRun(request, io, async (prepared) => {
    const runsForMs = planDurationMs(prepared.plan) + prepared.plan.gracefulStopMs;
    if (runsForMs + LIFETIME_MARGIN_MS > fleet.launch.lifetimeMinutes * 60_000) {
      throw new InputError(
        `--max-lifetime ${fleet.launch.lifetimeMinutes}m: the run takes ${formatDuration(runsForMs)}, and the fleet needs ${LIFETIME_MARGIN_MS / 60_000} minutes more to start and prepare; give a longer --max-lifetime`,
      );
    }
    const guard = new FleetGuard(io);
    try {
      const up = await bringUpFleet(fleet, io, guard);
      return await executeRun({ ...prepared, request: { ...prepared.request, hosts: up.inventory } }, io);
    } finally {
      await guard.close();
    }
  });
}
