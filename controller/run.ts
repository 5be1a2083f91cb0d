// Orchestrates one run: bundle and check the scenario, start the agents,
// wait for every one to be ready, start them together at t0, merge their
// windows into the store, and write the unified report at the end.
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { Io } from '../src/cli/io.js';
import { UserError } from '../src/errors.js';
import { shownPath } from '../src/paths.js';
import { settledWithin } from '../src/settled-within.js';
import { peakVus, planDurationMs } from '../src/load/stages.js';
import { firstVuNumbers, splitPlan } from '../src/load/split.js';
import { PROTOCOL_VERSION } from '../src/protocol/messages.js';
import type { Plan } from '../src/protocol/plan.js';
import type { Report } from '../src/protocol/report.js';
import type { RunStatus, ThresholdSpec } from '../src/protocol/store.js';
import { loadScenario } from '../src/scenario/load.js';
import { localSite } from './agents/local-site.js';
import { prepareRemoteSites, type PreparedRemote } from './agents/prepare-remote.js';
import type { AgentSite } from './agents/site.js';
import { AGENT_EXIT_GRACE_MS } from './agents/agent-process.js';
import { bundleScenario, type ScenarioBundle, agentBundleFile } from './bundle.js';
import { AgentHub } from './hub/hub.js';
import { durationFlag, parseScenarioOptions, resolvePlan, type LoadFlags } from './load-plan.js';
import { thresholdSpecs } from './report/thresholds.js';
import { describePlanLine } from './progress.js';
import type { RunMeta } from './dashboard/snapshot.js';
import { createFeedback, wantsDashboard } from './feedback.js';
import { reportFromStore } from './report/from-store.js';
import { COLOURS, PLAIN, summaryText } from './report/summary.js';
import { writeReportFiles } from './report/outputs.js';
import { newRunId } from './run-id.js';
import { RunSession, type AgentState } from './run-session.js';
import { RunStore } from './store/store.js';
import { Waiter } from './waiter.js';

export interface RunRequest {
  /** the scenario file as the user typed it */
  scenario: string;
  flags: LoadFlags;
  env: Record<string, string>;
  /** --threshold flags: "step:home:p95<500" */
  thresholds?: string[];
  window?: string;
  out?: string;
  db?: string;
  browserPath?: string;
  /** inventory file: run agents on these hosts over SSH instead of locally */
  hosts?: string;
  acceptNewHostKeys?: boolean;
  /** go on without unusable hosts as long as this many are usable */
  minHosts?: number;
  readyTimeoutMs?: number;
  heartbeatMs?: number;
  /** false: plain lines even on a terminal (--no-dashboard) */
  dashboard?: boolean;
  /** runs after a window is committed, before its ack: tests cut the link there */
  afterWindowCommitted?: (hub: AgentHub, agentId: string, seq: number) => void;
  /** browsers per agent, instead of one per 40 VUs up to one per core */
  browsersPerAgent?: number;
  /** use this plan instead of the scenario's options and the load flags */
  plan?: Plan;
  /** every agent runs the whole plan instead of a share of it (squall calibrate) */
  planPerAgent?: boolean;
  /** agents serve the demo shop on their own loopback and test that (squall calibrate) */
  serveDemo?: boolean;
  /** told VU time zero once every agent has its start: benchmarks time their samples from it */
  onStarted?: (t0: number) => void;
}

export interface RunOutcome {
  exitCode: number;
  runId: string;
  report: Report;
  outDir: string;
  dbPath: string;
  /** windows agents sent again after a reconnect, already stored and not counted twice */
  resentWindows: number;
}

const DEFAULT_WINDOW = '15s';
const MIN_WINDOW_MS = 1000;
/** Time for `start` to reach every agent before VU time zero. */
const START_LEAD_MS = 1000;
/** Extra time agents get past the plan's end and graceful stop before we stop, then kill them. */
const FINISH_SLACK_MS = 30_000;

export function defaultDbPath(io: Io): string {
  return io.env.SQUALL_DB ?? join(io.cwd, 'squall-results', 'squall.db');
}

export async function runLoadTest(request: RunRequest, io: Io): Promise<RunOutcome> {
  const commandStartedAt = Date.now();
  const windowMs = durationFlag('--window', request.window ?? DEFAULT_WINDOW);
  if (windowMs < MIN_WINDOW_MS) throw new UserError(`--window ${request.window}: must be at least 1s`);
  const runId = newRunId();
  const workDir = join(tmpdir(), `squall-${runId}`);
  const bundle = await bundleScenario(request.scenario, workDir, io.cwd);
  try {
    const fallbackName = basename(request.scenario, extname(request.scenario));
    const loaded = await loadScenario(bundle.path, request.scenario, fallbackName);
    const plan = request.plan ?? resolvePlan(loaded.scenario.options, request.flags, request.scenario);
    const thresholds = thresholdSpecs(parseScenarioOptions(loaded.scenario.options, request.scenario).thresholds, request.thresholds ?? []);
    if (planDurationMs(plan) <= 0) throw new UserError(`${request.scenario}: the load profile lasts 0s`);
    const outDir = resolve(io.cwd, request.out ?? join('squall-results', runId));
    const dbPath = resolve(io.cwd, request.db ?? defaultDbPath(io));
    const store = RunStore.open(dbPath);
    try {
      store.createRun({
        id: runId,
        scenario: loaded.name,
        scenarioPath: resolve(io.cwd, request.scenario),
        startedAt: Date.now(),
        status: 'preparing',
        windowMs,
        plan,
        config: { envKeys: Object.keys(request.env), outDir, thresholds, ...(request.browserPath ? { browserPath: request.browserPath } : {}) },
      });
      const { sites, excluded } = await prepareSites(request, io, runId, bundle);
      for (const host of excluded) {
        store.upsertAgent(runId, { agentId: host.name, host: host.name, plannedVus: 0, status: 'failed', error: host.error });
      }
      try {
        return await conduct({ request, io, runId, store, outDir, dbPath, plan, windowMs, bundlePath: bundle.path, scenarioName: loaded.name, sites, commandStartedAt, thresholds });
      } finally {
        const problems = (await Promise.all(sites.map((site) => site.cleanup()))).flat();
        for (const problem of problems) io.err(`cleanup: ${problem}\n`);
      }
    } finally {
      store.close();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

interface Conduct {
  request: RunRequest;
  io: Io;
  runId: string;
  store: RunStore;
  outDir: string;
  dbPath: string;
  plan: ReturnType<typeof resolvePlan>;
  windowMs: number;
  bundlePath: string;
  scenarioName: string;
  sites: AgentSite[];
  commandStartedAt: number;
  thresholds: ThresholdSpec[];
}

async function prepareSites(
  request: RunRequest,
  io: Io,
  runId: string,
  bundle: ScenarioBundle,
): Promise<{ sites: AgentSite[]; excluded: PreparedRemote['excluded'] }> {
  if (!request.hosts) return { sites: [localSite(request.browserPath)], excluded: [] };
  const prepared = await prepareRemoteSites(
    {
      hostsFile: request.hosts,
      acceptNewHostKeys: request.acceptNewHostKeys ?? false,
      ...(request.minHosts !== undefined ? { minHosts: request.minHosts } : {}),
      runId,
      files: [agentBundleFile(), { name: 'scenario.mjs', path: bundle.path, hash: bundle.hash, size: statSync(bundle.path).size }],
    },
    io,
  );
  io.err(
    `${prepared.sites.length} host${prepared.sites.length === 1 ? '' : 's'} connected and checked in ${seconds(prepared.connectMs)}; ` +
      `bundles uploaded in ${seconds(prepared.uploadMs)} (${prepared.uploaded} files sent, ${prepared.skipped} already there)\n`,
  );
  return prepared;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

async function conduct(c: Conduct): Promise<RunOutcome> {
  const { io, runId, store, plan, request, sites } = c;
  let plans: Plan[];
  try {
    plans = request.planPerAgent ? sites.map(() => plan) : splitPlan(plan, sites);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const waiter = new Waiter();
  const dashboard = wantsDashboard(io, request.dashboard);
  // With the dashboard up, notices go to its events line; stderr would tear its frame.
  const session = new RunSession(runId, store, {
    notice: (text) => {
      if (!dashboard) io.err(`${text}\n`);
    },
    changed: () => waiter.wake(),
  });
  const say = (text: string) => session.notice(text);
  const heartbeatMs = request.heartbeatMs ?? 5000;
  const token = randomBytes(24).toString('hex');
  let hub: AgentHub | undefined;
  hub = await AgentHub.listen({
    runId,
    token,
    heartbeatMs,
    handlers: session,
    afterWindowCommitted: request.afterWindowCommitted && ((agentId, seq) => request.afterWindowCommitted!(hub!, agentId, seq)),
  });
  const firstVus = firstVuNumbers(plans);
  const agents = sites.map((site, i) =>
    session.addAgent({ id: site.id, host: site.host, plan: plans[i]!, plannedVus: peakVus(plans[i]!), firstVu: firstVus[i]! }),
  );
  let status = 'completed' as RunStatus;
  let interrupts = 0;
  const meta: RunMeta = { runId, scenario: c.scenarioName, plan, stopping: false, thresholds: c.thresholds };
  const interrupt = (key: 'q' | 'ctrl-c') => {
    // q only ever asks for the graceful stop; a second Ctrl-C aborts.
    if (key === 'q' && interrupts > 0) return;
    interrupts += 1;
    status = 'aborted';
    meta.stopping = true;
    if (interrupts === 1) {
      say('stopping: running iterations finish, then the report is written (Ctrl-C again to abort now)');
      for (const agent of agents) hub?.send(agent.id, { type: 'stop', protocol: PROTOCOL_VERSION, reason: 'interrupted' });
    } else {
      say('aborting: stopping every agent now');
      for (const agent of agents) agent.process?.kill();
    }
    waiter.wake();
  };
  const stopInterrupt = io.onInterrupt(() => interrupt('ctrl-c'));
  const progress = createFeedback(session, io, meta, interrupt, dashboard);
  try {
    const startedAt = Date.now();
    await Promise.all(
      agents.map(async (agent, i) => {
        agent.process = await sites[i]!.start({
          controllerUrl: hub!.url,
          token,
          runId,
          agentId: agent.id,
          scenarioPath: c.bundlePath,
          heartbeatMs,
          peakVus: agent.plannedVus,
          serveDemo: request.serveDemo ?? false,
          ...(request.browsersPerAgent !== undefined ? { browsers: request.browsersPerAgent } : {}),
        });
        void agent.process.exited.then(({ code }) => session.processExited(agent, code));
      }),
    );
    await waiter.until(
      () => session.allReady || interrupts > 0 || agents.some((a) => a.status === 'failed'),
      request.readyTimeoutMs ?? 60_000,
    );
    if (!session.allReady) {
      if (interrupts > 0) throw new UserError('interrupted before the run started', 3);
      const failed = agents.find((a) => a.status === 'failed');
      const reason = failed
        ? `agent ${failed.id} (${failed.host}) could not start: ${failed.error}`
        : `agents not ready after ${Math.round((request.readyTimeoutMs ?? 60_000) / 1000)}s: ${agents.filter((a) => a.status !== 'ready').map((a) => `${a.id} (${a.status})`).join(', ')}`;
      throw new UserError(reason, 3);
    }
    say(
      `${agents.length} agent${agents.length === 1 ? '' : 's'} ready ${seconds(Date.now() - c.commandStartedAt)} after the command started ` +
        `(launch to ready: ${seconds(Date.now() - startedAt)})`,
    );
    const t0 = Date.now() + START_LEAD_MS;
    store.setRunStarted(runId, t0);
    if (!progress.dashboard) io.out(describePlanLine(c.scenarioName, peakVus(plan), planDurationMs(plan), plan.stages.length, agents.length) + '\n');
    for (const agent of agents) {
      hub.send(agent.id, {
        type: 'start',
        protocol: PROTOCOL_VERSION,
        t0,
        controllerNow: Date.now(),
        windowMs: c.windowMs,
        plan: agent.plan,
        firstVu: agent.firstVu,
        env: request.env,
      });
      session.setStatus(agent, 'running');
    }
    progress.started(t0);
    request.onStarted?.(t0);
    const stopAt = t0 + planDurationMs(plan) + plan.gracefulStopMs + FINISH_SLACK_MS;
    const lostAfterMs = 3 * heartbeatMs;
    const finishTimer = setInterval(() => {
      session.markSilentAgentsLost(lostAfterMs);
      session.checkpointIfQuiet();
    }, 1000);
    try {
      await waiter.until(() => session.allFinished || Date.now() > stopAt, stopAt - Date.now());
      if (!session.allFinished) {
        say('agents are overdue: asking them to stop');
        for (const agent of agents) hub.send(agent.id, { type: 'stop', protocol: PROTOCOL_VERSION, reason: 'overdue' });
        await waiter.until(() => session.allFinished, FINISH_SLACK_MS);
      }
      for (const agent of agents.filter((a) => !['done', 'failed', 'lost'].includes(a.status))) {
        say(`agent ${agent.id} did not finish; stopping it`);
        agent.process?.kill();
        session.setStatus(agent, 'lost');
      }
    } finally {
      clearInterval(finishTimer);
    }
    progress.stop();
    if (agents.every((a) => a.status !== 'done')) status = status === 'aborted' ? 'aborted' : 'failed';
    return finish(c, session, status, agents);
  } catch (error) {
    store.finishRun(runId, 'failed', Date.now());
    throw error;
  } finally {
    progress.stop();
    stopInterrupt();
    const finished = agents.filter((a) => a.status === 'done' || a.status === 'failed');
    await Promise.all(finished.map((a) => a.process && settledWithin(a.process.exited, AGENT_EXIT_GRACE_MS)));
    for (const agent of agents) agent.process?.kill();
    await Promise.all(agents.map((a) => a.process?.exited));
    await hub.close();
  }
}

/** 0 completed and every threshold passed, 1 a threshold failed, 3 aborted or failed. */
export function exitCodeOf(report: Report): number {
  if (report.run.status !== 'completed') return 3;
  return report.thresholds.every((t) => t.passed) ? 0 : 1;
}

function finish(c: Conduct, session: RunSession, status: RunStatus, agents: AgentState[]): RunOutcome {
  const { store, runId, io, outDir } = c;
  const endedAt = Math.max(...agents.map((a) => a.byeAt ?? a.lostAt ?? Date.now()));
  store.finishRun(runId, status, endedAt);
  store.rebuildMerged(runId);
  const report = reportFromStore(store, runId);
  const files = writeReportFiles(report, outDir);
  io.out(summaryText(report, files.map((file) => shownPath(io.cwd, file)), io.isTTY ? COLOURS : PLAIN));
  if (session.duplicates > 0) io.err(`(${session.duplicates} resent windows were already stored and not counted twice)\n`);
  const exitCode = exitCodeOf(report);
  return { exitCode, runId, report, outDir, dbPath: c.dbPath, resentWindows: session.duplicates };
}
