// squall calibrate: a run of its own making. The reference workload's whole
// level plan on every host (not a share), each host testing the demo shop
// served on its own loopback, then each host's windows analysed level by level.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { formatDuration } from '../../src/load/duration.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import { builtFile } from '../bundle.js';
import { durationFlag } from '../load-plan.js';
import { DEMO_SHOP_BUNDLE, REFERENCE_SCENARIO } from '../paths.js';
import type { Assign } from '../run/assign.js';
import { discardPrepared, prepareRun } from '../run/prepare.js';
import { executeRun } from '../run/run.js';
import { RunStore } from '../store/store.js';
import { analyseHost, calibrationLevels, calibrationPlan, calibrationWindowMs, MIN_HOLD_MS, type HostCalibration } from './levels.js';

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

/** Every host runs every level against its own demo shop. */
const eachHostItsOwnShop: Assign = (prepared, sites) => {
  const shop = builtFile(DEMO_SHOP_BUNDLE, 'demo-shop.mjs');
  return Promise.all(sites.map(async (site) => ({ site, plan: prepared.plan, env: { TARGET: await site.startHelper(shop) } })));
};

export async function calibrate(request: CalibrateRequest, io: Io): Promise<CalibrateOutcome> {
  const holdMs = durationFlag('--hold', request.hold);
  if (holdMs < MIN_HOLD_MS) throw new InputError(`--hold ${request.hold}: must be at least ${formatDuration(MIN_HOLD_MS)} to measure whole windows`);
  const levels = calibrationLevels(request.maxVus, holdMs);
  const plan = calibrationPlan(levels);
  const total = plan.stages.reduce((sum, s) => sum + s.durationMs, 0);
  io.err(`calibrating ${request.hosts ?? 'this machine'}: ${levels.map((l) => l.vus).join(', ')} VUs, ${formatDuration(total)}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'squall-calibrate-'));
  const quiet: Io = { ...io, out: () => {} };
  try {
    const prepared = await prepareRun(
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
    );
    let t0 = 0;
    try {
      const outcome = await executeRun({ ...prepared, plan }, quiet, { assign: eachHostItsOwnShop, hooks: { started: (start) => (t0 = start) } });
      const windows = windowsByAgent(outcome.dbPath, outcome.runId);
      const hosts = outcome.report.agents.map((agent) => analyseHost(agent.host, windows.get(agent.id) ?? [], levels, t0));
      return { hosts, exitCode: outcome.exitCode === 3 ? 3 : 0 };
    } finally {
      discardPrepared(prepared);
    }
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
