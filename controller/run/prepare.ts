// Phase 1 of a run, before anything connects anywhere: the scenario bundled
// and checked, the load plan, the thresholds, the window and where results go.
// Bad input fails here, in well under a second.
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import { unwritableDirectory } from '../files.js';
import type { Io } from '../../src/io.js';
import { planDurationMs } from '../../src/load/stages.js';
import type { Plan } from '../../src/protocol/plan.js';
import type { ThresholdSpec } from '../../src/protocol/store.js';
import type { ScenarioBundle } from '../bundle.js';
import { durationFlag } from '../load-plan.js';
import { resolveRunPlan } from '../flow-plan.js';
import { thresholdSpecs } from '../report/thresholds.js';
import { shownPath } from '../paths.js';
import { newRunId } from './run-id.js';
import { prepareScenario } from '../scenario-file.js';
import type { Scenario } from '../../src/scenario/index.js';
import { AGENT_EXIT_GRACE_MS } from '../sites/agent-process.js';
import { defaultDbPath } from '../store/open.js';
import type { RunRequest } from './request.js';
import { makeWorkDir } from '../work-dir.js';

const DEFAULT_WINDOW = '15s';
const MIN_WINDOW_MS = 1000;

/** How long the controller waits for what: the run's clockwork, not the user's to set. */
export interface RunTiming {
  heartbeatMs: number;
  /** from starting the agents to every one ready */
  readyTimeoutMs: number;
  /** time for `start` to reach every agent before VU time zero */
  startLeadMs: number;
  /** extra time agents get past the plan's end and graceful stop before they are told to stop, and again before they are killed */
  finishSlackMs: number;
  /** time agents that said bye get to close their browsers and exit */
  exitGraceMs: number;
  /** how long an agent that lost the controller keeps trying to reach it (and the controller waits for it) before it is lost */
  agentGraceMs: number;
  /** what an agent's way back may take beyond its grace: a re-dial with backoff, its own reconnect delay, a handshake */
  reconnectMarginMs: number;
  /** what live outputs (exporters) get at the load's end to deliver what they hold */
  outputsFlushMs: number;
}

export const DEFAULT_TIMING: RunTiming = {
  heartbeatMs: 5000,
  readyTimeoutMs: 60_000,
  startLeadMs: 1000,
  finishSlackMs: 30_000,
  exitGraceMs: AGENT_EXIT_GRACE_MS,
  agentGraceMs: 60_000,
  reconnectMarginMs: 15_000,
  outputsFlushMs: 5000,
};

export interface PreparedRun {
  runId: string;
  request: RunRequest;
  /** this machine's scratch folder for the run (the scenario bundle); discardPrepared removes it */
  workDir: string;
  bundle: ScenarioBundle;
  scenarioName: string;
  plan: Plan;
  windowMs: number;
  thresholds: ThresholdSpec[];
  outDir: string;
  dbPath: string;
  commandStartedAt: number;
  timing: RunTiming;
  /** the scenario's setup and teardown, run here (controller/run/lifecycle.ts) */
  lifecycle: Pick<Scenario, 'setup' | 'teardown'>;
  /** what setup returned, once it ran */
  setupData?: unknown;
}

export async function prepareRun(request: RunRequest, io: Io): Promise<PreparedRun> {
  const commandStartedAt = Date.now();
  const windowMs = durationFlag('--window', request.window ?? DEFAULT_WINDOW);
  if (windowMs < MIN_WINDOW_MS) throw new InputError(`--window ${request.window}: must be at least 1s`);
  const runId = newRunId();
  const outDir = resolve(io.cwd, request.out ?? join('squall-results', runId));
  const dbPath = resolve(io.cwd, request.db ?? defaultDbPath(io));
  checkOutputs(request, io, outDir, dbPath);
  // A private folder (0700, made exclusively, a name no one can guess beforehand): the bundle holds the scenario's code.
  const workDir = makeWorkDir(runId);
  try {
    const scenario = await prepareScenario(request.scenario, workDir, io.cwd, { allowOrigins: request.allowOrigins ?? [] });
    const plan = resolveRunPlan(scenario.options, request.flags, request.scenario, scenario.flows);
    const flowNames = scenario.flows.named ? scenario.flows.flows.map((flow) => flow.name) : undefined;
    const groupNames = (scenario.options.metrics?.requestGroups ?? []).map((group) => group.name);
    const thresholds = thresholdSpecs(scenario.options.thresholds, request.thresholds ?? [], flowNames, groupNames, request.abortOnFail ? { delayAbortEvalMs: durationFlag('--abort-delay', request.abortOnFail.delay) } : undefined);
    if (planDurationMs(plan) <= 0) throw new InputError(`${request.scenario}: the load profile lasts 0s`);
    return {
      runId,
      request,
      workDir,
      bundle: scenario.bundle,
      scenarioName: scenario.name,
      plan,
      windowMs,
      thresholds,
      outDir,
      dbPath,
      commandStartedAt,
      lifecycle: { ...(scenario.scenario.setup ? { setup: scenario.scenario.setup } : {}), ...(scenario.scenario.teardown ? { teardown: scenario.scenario.teardown } : {}) },
      timing: { ...DEFAULT_TIMING, ...(request.agentGrace !== undefined ? { agentGraceMs: agentGraceOf(request.agentGrace) } : {}) },
    };
  } catch (error) {
    discardPrepared({ workDir });
    throw error;
  }
}

/** An agent's grace shorter than three heartbeats would have agents give up on a controller that is only slow. */
const MIN_AGENT_GRACE_MS = 3 * DEFAULT_TIMING.heartbeatMs;

function agentGraceOf(text: string): number {
  const ms = durationFlag('--agent-grace', text);
  if (ms < MIN_AGENT_GRACE_MS) throw new InputError(`--agent-grace ${text}: must be at least ${MIN_AGENT_GRACE_MS / 1000}s (three heartbeats)`);
  return ms;
}

/**
 * The report folder and the store must be writable before any load is spent:
 * found out at the end, the run would be lost to a typo.
 */
function checkOutputs(request: RunRequest, io: Io, outDir: string, dbPath: string): void {
  const show = (path: string) => shownPath(io.cwd, path);
  const outProblem = unwritableDirectory(outDir, show);
  if (outProblem) throw new InputError(`${request.out !== undefined ? '--out' : 'results folder'} ${shownPath(io.cwd, outDir)}: ${outProblem}`);
  const dbName = `${request.db !== undefined ? '--db' : io.env.SQUALL_DB ? '$SQUALL_DB' : 'run store'} ${shownPath(io.cwd, dbPath)}`;
  if (existsSync(dbPath) && !statSync(dbPath).isFile()) throw new InputError(`${dbName}: is a folder, not a file`);
  const dbProblem = unwritableDirectory(dirname(dbPath), show);
  if (dbProblem) throw new InputError(`${dbName}: ${dbProblem}`);
}

/** Removes what preparing left on this machine. */
export function discardPrepared(prepared: Pick<PreparedRun, 'workDir'>): void {
  rmSync(prepared.workDir, { recursive: true, force: true });
}
