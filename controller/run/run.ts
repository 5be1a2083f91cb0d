// One run from request to report, phase by phase: prepare (bundle, plan,
// thresholds, outputs), sites (local or SSH), assign each site its share,
// conduct (start, ready, t0, finish), then clean up every site.
import os from 'node:os';
import { resolve } from 'node:path';
import { RunFailure } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { shownPath } from '../paths.js';
import { storeWriteProblem } from '../store/write-problem.js';
import { RUN_HEARTBEAT_MS } from '../store/liveness.js';
import { runSetup, runTeardown } from './lifecycle.js';
import { maskedIo } from '../secrets.js';
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
export async function executeRun(given: PreparedRun, io: Io, parts: RunParts = {}): Promise<RunOutcome> {
  const prepared = parts.hooks?.timing ? { ...given, timing: { ...given.timing, ...parts.hooks.timing } } : given;
  const store = RunStore.open(prepared.dbPath);
  const { runId } = prepared;
  // Readers of the store tell a live run from one whose controller died by this heartbeat.
  const alive = setInterval(() => {
    try {
      store.touchRun(runId, Date.now());
    } catch {
      // A busy store misses one heartbeat; readers wait for two before they doubt the run.
    }
  }, RUN_HEARTBEAT_MS);
  try {
    try {
      recordRun(store, prepared, io);
    } catch (error) {
      const why = storeWriteProblem(error);
      if (why === undefined) throw error;
      // Before any host, browser or load: nothing is spent yet.
      throw new RunFailure(`the store ${shownPath(io.cwd, prepared.dbPath)} cannot be written: ${why}`);
    }
    // The scenario's setup before any host or browser: one that fails costs nothing more (exit 3).
    const shown = maskedIo(io, prepared.request.secrets ?? {});
    const context = { env: prepared.request.env, secrets: prepared.request.secrets ?? {} };
    const setupData = await runSetup(prepared.lifecycle, context, shown);
    try {
      return await sitesAndConduct(store, { ...prepared, setupData }, io, parts);
    } finally {
      await runTeardown(prepared.lifecycle, setupData, context, shown);
    }
  } catch (error) {
    try {
      store.finishRun(runId, 'failed', Date.now(), error instanceof Error ? error.message : String(error));
    } catch {
      // A store that refuses this too keeps the run as its controller left it; the error below says why the run ended.
    }
    throw error;
  } finally {
    clearInterval(alive);
    store.close();
  }
}

async function sitesAndConduct(store: RunStore, prepared: PreparedRun, io: Io, parts: RunParts): Promise<RunOutcome> {
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
}

function recordRun(store: RunStore, prepared: PreparedRun, io: Io): void {
  const { request } = prepared;
  const now = Date.now();
  store.createRun({
    id: prepared.runId,
    scenario: prepared.scenarioName,
    scenarioPath: resolve(io.cwd, request.scenario),
    startedAt: now,
    status: 'preparing',
    owner: { host: os.hostname(), pid: process.pid },
    heartbeatAt: now,
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
