// squall calibrate: a run of its own making. The reference workload's whole
// level plan on every host (not a share), each host testing the demo shop
// served on its own loopback, then each host's windows analysed level by level.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, RunFailure } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { formatDuration } from '../../src/load/duration.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import { builtFile } from '../bundle.js';
import { durationFlag } from '../load-plan.js';
import { DEMO_SHOP_BUNDLE, REFERENCE_SCENARIO } from '../paths.js';
import type { Assign } from '../run/assign.js';
import { executeRun, withPreparedRun } from '../run/run.js';
import { RunStore } from '../store/store.js';
import { analyseHost, calibrationLevels, calibrationPlan, calibrationWindowMs, MIN_HOLD_MS, type HostCalibration } from './levels.js';
import { makeWorkDir } from '../work-dir.js';

export interface CalibrateRequest {
  hosts?: string;
  maxVus: number;
  hold: string;
  acceptNewHostKeys?: boolean;
  browserPath?: string;
}

export interface CalibrateOutcome {
  hosts: HostCalibration[];
  /** 3 when the run failed or was aborted, else 0 */
  exitCode: number;
}

/** Every host runs every level against its own demo shop; every shop is up (or has failed) before the run goes on. */
const eachHostItsOwnShop: Assign = async (prepared, sites) => {
  const shop = builtFile(DEMO_SHOP_BUNDLE, 'demo-shop.mjs', 'demo shop bundle');
  const targets = await Promise.allSettled(sites.map((site) => site.startHelper(shop)));
  return sites.map((site, i) => {
    const target = targets[i]!;
    if (target.status === 'rejected') throw new RunFailure(`${site.host}: the demo shop did not start: ${(target.reason as Error).message}`);
    return { site, plan: prepared.plan, env: { TARGET: target.value } };
  });
};

export async function calibrate(request: CalibrateRequest, io: Io): Promise<CalibrateOutcome> {
  const holdMs = durationFlag('--hold', request.hold);
  if (holdMs < MIN_HOLD_MS) throw new InputError(`--hold ${request.hold}: must be at least ${formatDuration(MIN_HOLD_MS)} to measure whole windows`);
  const levels = calibrationLevels(request.maxVus, holdMs);
  const plan = calibrationPlan(levels);
  const total = plan.stages.reduce((sum, s) => sum + s.durationMs, 0);
  io.err(`calibrating ${request.hosts ?? 'this machine'}: ${levels.map((l) => l.vus).join(', ')} VUs, ${formatDuration(total)}\n`);
  const dir = makeWorkDir('calibrate');
  const quiet: Io = { ...io, out: () => {} };
  try {
    let t0 = 0;
    const outcome = await withPreparedRun(
      {
        scenario: REFERENCE_SCENARIO,
        flags: {},
        env: {},
        window: formatDuration(calibrationWindowMs(holdMs)),
        out: join(dir, 'out'),
        db: join(dir, 'runs.db'),
        dashboard: false,
        ...(request.hosts ? { hosts: request.hosts } : {}),
        ...(request.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
        ...(request.browserPath ? { browserPath: request.browserPath } : {}),
      },
      quiet,
      (prepared) => executeRun({ ...prepared, plan }, quiet, { assign: eachHostItsOwnShop, hooks: { started: (start) => (t0 = start) } }),
    );
    const windows = windowsByAgent(outcome.dbPath, outcome.runId);
    const hosts = outcome.report.agents.map((agent) => analyseHost(agent.host, windows.get(agent.id) ?? [], levels, t0));
    return { hosts, exitCode: outcome.exitCode === 3 ? 3 : 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function windowsByAgent(dbPath: string, runId: string): Map<string, WindowBody[]> {
  const store = RunStore.open(dbPath);
  try {
    const byAgent = new Map<string, WindowBody[]>();
    for (const { agentId, body } of store.agentWindows(runId)) byAgent.set(agentId, [...(byAgent.get(agentId) ?? []), body]);
    return byAgent;
  } finally {
    store.close();
  }
}
