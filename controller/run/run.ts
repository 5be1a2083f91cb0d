// One run from request to report, phase by phase: prepare (bundle, plan,
// thresholds, outputs), sites (local or SSH), assign each site its share,
// conduct (start, ready, t0, finish), then clean up every site.
import type { Io } from '../../src/io.js';
import { resolve } from 'node:path';
import { RunStore } from '../store/store.js';
import { shareByWeight, type Assign } from './assign.js';
import { conduct } from './conduct.js';
import { discardPrepared, prepareRun, type PreparedRun } from './prepare.js';
import type { RunHooks, RunOutcome, RunRequest } from './request.js';
import { cleanUpSites, openSites, type OpenedSites } from './sites.js';

/** The parts of a run a caller may replace: calibrate, the benchmark and tests do. */
export interface RunParts {
  /** where the agents run; default: local, or the request's hosts over SSH */
  openSites?: (prepared: PreparedRun, io: Io) => Promise<OpenedSites>;
  /** what each site runs; default: a share of the plan by weight */
  assign?: Assign;
  hooks?: RunHooks;
}

export function runLoadTest(request: RunRequest, io: Io, hooks: RunHooks = {}): Promise<RunOutcome> {
  return withPreparedRun(request, io, (prepared) => executeRun(prepared, io, { hooks }));
}

/** Prepares the run, hands it to `use` (which may change it before executing it), and discards what preparing left. */
export async function withPreparedRun<T>(request: RunRequest, io: Io, use: (prepared: PreparedRun) => Promise<T>): Promise<T> {
  const prepared = await prepareRun(request, io);
  try {
    return await use(prepared);
  } finally {
    discardPrepared(prepared);
  }
}

/** Runs a prepared run; the caller discards it afterwards. */
export async function executeRun(prepared: PreparedRun, io: Io, parts: RunParts = {}): Promise<RunOutcome> {
  const store = RunStore.open(prepared.dbPath);
  try {
    recordRun(store, prepared, io);
    const { sites, excluded } = await (parts.openSites ?? openSites)(prepared, io);
    for (const host of excluded) {
      store.upsertAgent(prepared.runId, { agentId: host.name, host: host.name, plannedVus: 0, status: 'failed', error: host.error });
    }
    try {
      const assignments = await (parts.assign ?? shareByWeight)(prepared, sites);
      return await conduct({ prepared, store, io, assignments, hooks: parts.hooks ?? {} });
    } finally {
      await cleanUpSites(sites, io);
    }
  } finally {
    store.close();
  }
}

function recordRun(store: RunStore, prepared: PreparedRun, io: Io): void {
  const { request } = prepared;
  store.createRun({
    id: prepared.runId,
    scenario: prepared.scenarioName,
    scenarioPath: resolve(io.cwd, request.scenario),
    startedAt: Date.now(),
    status: 'preparing',
    windowMs: prepared.windowMs,
    plan: prepared.plan,
    config: {
      envKeys: Object.keys(request.env),
      outDir: prepared.outDir,
      thresholds: prepared.thresholds,
      ...(request.browserPath ? { browserPath: request.browserPath } : {}),
    },
  });
}
