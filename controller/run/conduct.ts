// Phase 3, the run itself, in steps: start the agents, wait until every one
// is ready, start them together at t0, wait until every one has delivered
// its windows (asking the overdue to stop), stop stragglers, then shut down.
import { randomBytes } from 'node:crypto';
import { RunFailure } from '../../src/errors.js';
import { fileOfFeeder } from '../../src/scenario/feeder.js';
import type { Io } from '../../src/io.js';
import { firstVuNumbers, preAllocatedRanges } from '../../src/load/split.js';
import { peakVus, planDurationMs } from '../../src/load/stages.js';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { settledWithin } from '../../src/settled-within.js';
import type { RunMeta } from '../dashboard/snapshot.js';
import { createFeedback, dashboardStarter, type LiveFeedback, type StartDashboard } from '../feedback.js';
import { counted, formatSeconds } from '../format.js';
import { AgentHub } from '../hub/hub.js';
import { describePlanLine } from '../progress.js';
import type { RunStore } from '../store/store.js';
import type { AgentAssignment } from './assign.js';
import { RunControl } from './control.js';
import { concludeRun } from './finish.js';
import type { PreparedRun } from './prepare.js';
import type { RunHooks, RunOutcome } from './request.js';
import { RunSession, isFinished, type AgentState } from './session.js';
import { Waiter } from './waiter.js';
import { createOutputs } from '../outputs/targets.js';
import { DEFAULT_EXPORTER_OPTIONS } from '../outputs/options.js';
import { ThresholdJudge } from '../live/threshold-judge.js';

export interface ConductInput {
  prepared: PreparedRun;
  store: RunStore;
  io: Io;
  assignments: readonly AgentAssignment[];
  hooks: RunHooks;
}

interface RunAgent {
  state: AgentState;
  assignment: AgentAssignment;
}

export async function conduct(input: ConductInput): Promise<RunOutcome> {
  const run = await LiveRun.open(input);
  try {
    await run.startAgents();
    await run.awaitReady();
    const t0 = run.startLoad();
    await run.awaitFinish(t0);
    run.stopStragglers();
    const outputs = await run.session.dispatch.stop(input.prepared.timing.outputsFlushMs);
    run.feedback.stop();
    const { stoppedBy } = run.control;
    return concludeRun({ ...input, session: run.session, outputs, ...(stoppedBy ? { stoppedBy } : {}), status: run.control.status(run.agents.some((a) => a.state.status === 'done')) });
  } finally {
    await run.shutDown();
  }
}

/** One run while it happens: its hub, session, feedback and agents. */
class LiveRun {
  readonly control: RunControl;
  readonly feedback: LiveFeedback;
  private readonly stopInterrupt: () => void;
  private launchedAt = 0;

  private constructor(
    private readonly input: ConductInput,
    private readonly waiter: Waiter,
    readonly session: RunSession,
    private readonly hub: AgentHub,
    readonly agents: RunAgent[],
    startDashboard: StartDashboard | undefined,
  ) {
    const { prepared, io } = input;
    const meta: RunMeta = { runId: prepared.runId, scenario: prepared.scenarioName, plan: prepared.plan, stopping: false, thresholds: prepared.thresholds };
    this.control = new RunControl({
      stopAgents: (reason) => agents.forEach((a) => hub.send(a.state.id, { type: 'stop', protocol: PROTOCOL_VERSION, reason })),
      killAgents: () => agents.forEach((a) => a.state.process?.kill()),
      say: (text) => session.notice(text),
      stopping: () => (meta.stopping = true),
      changed: () => waiter.wake(),
    });
    this.stopInterrupt = io.onInterrupt(() => this.control.interrupt('ctrl-c'));
    this.feedback = createFeedback(session, io, meta, (key) => this.control.interrupt(key), startDashboard);
    // After the progress lines: a window's line shows before the threshold it fails stops the load.
    if (ThresholdJudge.wanted(prepared.thresholds)) session.outputs.push(new ThresholdJudge(prepared.thresholds, (cause) => this.control.thresholdFailed(cause)));
  }

  static async open(input: ConductInput): Promise<LiveRun> {
    const { prepared, io, store, assignments, hooks } = input;
    const startDashboard = await dashboardStarter(io, prepared.request.dashboard);
    const { outputs = [], exportQuantiles } = prepared.request;
    const exporters = await createOutputs(outputs, { ...DEFAULT_EXPORTER_OPTIONS, ...(exportQuantiles ? { quantiles: exportQuantiles } : {}) });
    const dashboard = startDashboard !== undefined;
    const waiter = new Waiter();
    // Made below, once the session and hub are: the session's events reach it through this.
    let live: LiveRun | undefined;
    // With the dashboard up, notices go to its events line; stderr would tear its frame.
    const session = new RunSession(prepared.runId, { windowMs: prepared.windowMs, since: prepared.commandStartedAt }, store, {
      notice: (text) => {
        if (!dashboard) io.err(`${text}\n`);
      },
      changed: () => waiter.wake(),
      resend: (agentIds) => agentIds.forEach((agentId) => hub.drop(agentId)),
      grant: (agentId, grant) => hub.send(agentId, grant),
      dataRanOut: (feeder) => live?.control.dataRanOut(fileOfFeeder(feeder)),
    });
    const hub: AgentHub = await AgentHub.listen({
      runId: prepared.runId,
      token: randomBytes(24).toString('hex'),
      heartbeatMs: prepared.timing.heartbeatMs,
      handlers: session,
      ...(hooks.windowCommitted ? { windowCommitted: hooks.windowCommitted } : {}),
    });
    const firstVus = firstVuNumbers(assignments.map((a) => a.plan));
    const agents = assignments.map((assignment, i) => ({
      assignment,
      state: session.addAgent({ id: assignment.site.id, host: assignment.site.host, plan: assignment.plan, plannedVus: peakVus(assignment.plan), firstVu: firstVus[i]! }),
    }));
    live = new LiveRun(input, waiter, session, hub, agents, startDashboard);
    session.outputs.push(...exporters);
    return live;
  }

  /** Starts every site's agent; when one cannot be started, waits for the others' starts so shutDown stops them all. */
  async startAgents(): Promise<void> {
    const { prepared } = this.input;
    this.launchedAt = Date.now();
    const starts = await Promise.allSettled(
      this.agents.map(async ({ state, assignment }) => {
        state.process = await assignment.site.start({
          controllerUrl: this.hub.url,
          token: this.hub.credentialFor(state.id),
          runId: prepared.runId,
          agentId: state.id,
          scenarioPath: prepared.bundle.path,
          heartbeatMs: prepared.timing.heartbeatMs,
          lostControllerMs: prepared.timing.agentGraceMs,
          peakVus: state.plannedVus,
          preAllocated: preAllocatedRanges(assignment.plan, state.firstVu),
          ...(assignment.vuWorkers !== undefined ? { vuWorkers: assignment.vuWorkers } : {}),
        }, (text) => this.session.notice(`${state.host}: ${text}`));
        void state.process.exited.then(({ code }) => this.session.processExited(state, code));
      }),
    );
    const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async awaitReady(): Promise<void> {
    const { readyTimeoutMs } = this.input.prepared.timing;
    const failed = () => this.agents.find((a) => a.state.status === 'failed')?.state;
    await this.waiter.until(() => this.session.allReady || this.control.interrupted || failed() !== undefined, readyTimeoutMs);
    if (!this.session.allReady) {
      if (this.control.interrupted) throw new RunFailure('interrupted before the run started');
      const agent = failed();
      if (agent) throw new RunFailure(`agent ${agent.id} (${agent.host}) could not start: ${agent.error}`);
      const waiting = this.agents.filter((a) => a.state.status !== 'ready').map((a) => `${a.state.id} (${a.state.status})`);
      throw new RunFailure(`agents not ready after ${Math.round(readyTimeoutMs / 1000)}s: ${waiting.join(', ')}`);
    }
    this.session.notice(
      `${counted(this.agents.length, 'agent')} ready ${formatSeconds(Date.now() - this.input.prepared.commandStartedAt)} after the command started ` +
        `(launch to ready: ${formatSeconds(Date.now() - this.launchedAt)})`,
    );
  }

  /** Sends every agent its start for a common t0, a moment ahead; returns t0. */
  startLoad(): number {
    const { prepared, store, io, hooks } = this.input;
    // Long enough for `start` to reach the farthest agent: VU time zero is the same instant for every one.
    const leadMs = Math.max(...this.input.assignments.map(({ site }) => site.startLeadMs ?? prepared.timing.startLeadMs));
    const t0 = Date.now() + leadMs;
    this.session.t0 = t0;
    this.session.writes.write(() => store.setRunStarted(prepared.runId, t0));
    const { plan } = prepared;
    if (!this.feedback.dashboard) io.out(describePlanLine(prepared.scenarioName, plan, this.agents.length) + '\n');
    for (const { state, assignment } of this.agents) {
      this.hub.send(state.id, {
        type: 'start',
        protocol: PROTOCOL_VERSION,
        t0,
        controllerNow: Date.now(),
        windowMs: prepared.windowMs,
        plan: state.plan,
        firstVu: state.firstVu,
        env: assignment.env,
        ...(prepared.request.secrets && Object.keys(prepared.request.secrets).length > 0 ? { secrets: prepared.request.secrets } : {}),
        ...(prepared.setupData !== undefined ? { setupData: prepared.setupData } : {}),
      });
      this.session.setStatus(state, 'running');
    }
    this.feedback.started(t0);
    this.session.dispatch.start({
      runId: prepared.runId,
      scenario: prepared.scenarioName,
      plan,
      windowMs: prepared.windowMs,
      t0,
      agents: this.agents.map(({ state }) => ({ id: state.id, host: state.host })),
    });
    hooks.started?.(t0, this.agents.flatMap(({ state }) => (state.process?.pid !== undefined ? [state.process.pid] : [])));
    return t0;
  }

  /** Until every agent has delivered everything, been lost or failed; agents past their time are asked to stop. */
  async awaitFinish(t0: number): Promise<void> {
    const { plan, timing } = this.input.prepared;
    const stopAt = t0 + planDurationMs(plan) + plan.gracefulStopMs + timing.finishSlackMs;
    const planOver = setTimeout(() => this.control.planOver(), Math.max(0, t0 + planDurationMs(plan) - Date.now()));
    const watch = setInterval(() => {
      // An agent may come back as long as it waits for us (its grace), and its way back takes a while.
      this.session.markSilentAgentsLost(timing.agentGraceMs + timing.reconnectMarginMs);
      this.session.writes.maintain();
    }, 1000);
    try {
      await this.waiter.until(() => this.session.allFinished || Date.now() > stopAt, stopAt - Date.now());
      if (!this.session.allFinished) {
        this.control.overdue();
        await this.waiter.until(() => this.session.allFinished, timing.finishSlackMs);
      }
    } finally {
      clearInterval(watch);
      clearTimeout(planOver);
      this.control.planOver();
    }
  }

  /** Agents that never finished are stopped and count as lost. */
  stopStragglers(): void {
    for (const { state } of this.agents.filter((a) => !isFinished(a.state))) {
      this.session.notice(`agent ${state.id} did not finish; stopping it`);
      state.process?.kill();
      this.session.setStatus(state, 'lost');
    }
  }

  /** Agents that finished get a moment to close their browsers; then every agent is stopped and the hub closed. */
  async shutDown(): Promise<void> {
    // A run that failed midway: what its outputs hold is given out, not waited for.
    this.session.dispatch.finish();
    this.feedback.stop();
    this.stopInterrupt();
    // Agents that said bye, or failed, are on their way out by themselves.
    const exiting = this.agents.filter((a) => a.state.status === 'done' || a.state.status === 'failed');
    await Promise.all(exiting.map((a) => a.state.process && settledWithin(a.state.process.exited, this.input.prepared.timing.exitGraceMs)));
    // A remote agent out of reach never reports its exit, and is not waited for: the sites' cleanup kills what is left.
    const stopping = this.agents.flatMap(({ state }) => (state.process?.kill() ? [state.process] : []));
    await Promise.all(stopping.map((process) => settledWithin(process.exited, this.input.prepared.timing.exitGraceMs)));
    await this.hub.close();
  }
}
