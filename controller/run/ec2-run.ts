// squall run --ec2 N: the run prepared first (scenario, plan, outputs: every
// check that costs nothing), then a fleet launched for it, the run on the
// fleet, and the fleet terminated however the run ends: done, failed, or
// stopped with Ctrl-C. (A controller killed outright leaves the fleet to its
// own --max-lifetime.)
import type { Io } from '../../src/io.js';
import { bringUpFleet, endFleet, type BringUpOptions } from '../ec2/fleet-hosts.js';
import type { RunOutcome, RunRequest } from './request.js';
import { executeRun, withPreparedRun } from './run.js';

export function runOnEc2(request: RunRequest, fleet: BringUpOptions, io: Io): Promise<RunOutcome> {
  return withPreparedRun(request, io, async (prepared) => {
    const up = await bringUpFleet(fleet, io);
    try {
      return await executeRun({ ...prepared, request: { ...prepared.request, hosts: up.inventory } }, io);
    } finally {
      await endFleet(up.fleet, io);
    }
  });
}
