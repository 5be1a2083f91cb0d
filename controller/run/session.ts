// The controller's view of one run while it happens: each agent's state,
// windows committed to the store, and each window given to the live
// outputs once it is complete.
import { SATURATION_CPU_PCT } from '../../src/limits.js';
import type { Plan } from '../../src/protocol/plan.js';
import type { AgentRecord, AgentStatus } from '../../src/protocol/store.js';
import type { HostFacts } from '../../src/protocol/messages.js';
import type { AgentProcess } from '../sites/agent-process.js';
import type { HubHandlers, MessageOf } from '../hub/hub.js';
import { CompletedSeries } from '../live/series.js';
import { WindowDispatch } from '../live/window-dispatch.js';
import type { LiveOutput } from '../live/output.js';
import type { RunStore } from '../store/store.js';
import { StoreWriter } from './store-writer.js';
import { boundText, MAX_ERROR_MESSAGE_CHARS } from '../../src/bounded-text.js';
import { terminalSafe } from '../../src/terminal-text.js';
import { windowOutOfBounds } from '../../src/metrics/window-bounds.js';
import { RunLeases, type LeaseEvents } from './leases.js';

/** How far a window's start may be from the run's time: drift of a host's clock over a week, and then some. */
const CLOCK_MARGIN_MS = 10 * 60_000;
/** A notice is a line: an agent's or a page's text past this is cut. */
const MAX_NOTICE_CHARS = 2000;
/** Unreadable messages (or refused windows) shown as notices, per run; the rest only counted. */
const NOTICES_OF_A_KIND = 5;

export interface AgentState {
  id: string;
  host: string;
  plan: Plan;
  plannedVus: number;
  firstVu: number;
  status: AgentStatus;
  process?: AgentProcess;
  facts?: HostFacts;
  chromium?: string;
  windows: Set<number>;
  expectedWindows?: number;
  byeAt?: number;
  error?: string;
  lostAt?: number;
  disconnectedAt?: number;
  /** times its link dropped and came back, and the longest it was away */
  reconnects: number;
  longestGapMs: number;
  activeVus: number;
  lastHeardAt: number;
  /** host CPU % of its last windows, oldest first */
  cpuHistory: number[];
  /** its latest window was marked saturated by the agent's guard */
  saturated: boolean;
  saturatedWindows: number;
  rssMb?: number;
  hostMemUsedPct?: number;
  lastWindowAt?: number;
}

const CPU_HISTORY = 10;

function label(agent: AgentState): string {
  return agent.id === agent.host ? agent.host : `${agent.id} (${agent.host})`;
}
const EVENT_LOG = 50;

const TERMINAL: readonly AgentStatus[] = ['done', 'lost', 'failed'];
/** Why an agent's load ends when nothing went wrong with it: the plan ran out, or the controller said stop (control.ts). */
const ORDINARY_ENDS = ['plan complete', 'interrupted', 'overdue', 'the data ran out', 'a threshold failed'];

/** Done, lost or failed: nothing more will come from the agent in this run. */
export function isFinished(agent: Pick<AgentState, 'status'>): boolean {
  return TERMINAL.includes(agent.status);
}

interface SessionNotices {
  /** something worth a line of output: an agent lost, an agent's error */
  notice(text: string): void;
  /** any state change: re-check what is being waited for */
  changed(): void;
  /** these agents hold windows the controller could not take: have them send them again (drop their link) */
  resend?(agentIds: readonly string[]): void;
}

export type SessionEvents = SessionNotices & LeaseEvents;

export class RunSession implements HubHandlers {
  readonly agents = new Map<string, AgentState>();
  /** the completed windows, for the dashboard */
  readonly series = new CompletedSeries();
  /** who is given each window once it is complete: the series first, then what the run adds (progress lines, exporters, the threshold judge) */
  readonly outputs: LiveOutput[] = [this.series];
  private readonly brokenOutputs = new Set<string>();
  /** agents whose status is running: counted as it changes, since the dispatch asks at every window */
  private runningAgents = 0;
  /** decides when a window is complete, and gives it to the outputs */
  readonly dispatch: WindowDispatch;
  /** notices, newest last, for the dashboard's events line */
  readonly eventLog: string[] = [];
  duplicates = 0;
  invalidFrames = 0;
  /** windows past their bounds (window-bounds.ts): acked, not stored */
  refusedWindows = 0;
  /** VU time zero, once the load started: what the store has too, unless its disk refused that write */
  t0: number | undefined;
  /** failed steps' evidence received */
  evidenceItems = 0;
  /** every write to the store, and what is held while the disk refuses them */
  readonly writes: StoreWriter;

  constructor(
    private readonly runId: string,
    /** the run's window length, and the earliest a window may start (the run's creation; no bound when absent) */
    private readonly windowRule: { windowMs: number; since?: number },
    private readonly store: RunStore,
    private readonly events: SessionEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.writes = new StoreWriter(runId, store, { notice: (text) => this.notice(text), resend: (agentIds) => this.events.resend?.(agentIds) }, now);
    this.leases = new RunLeases(() => this.agents.size, events, now);
    this.dispatch = new WindowDispatch(
      this.outputs,
      {
        running: () => this.runningAgents,
        isRunning: (agentId) => this.agents.get(agentId)?.status === 'running',
        waitingFor: (start) => [...this.agents.values()].filter((a) => a.status === 'running' && !a.windows.has(start)).map((a) => a.host),
      },
      (output, error) => {
        // Said once an output: one broken at every window would flood the events line.
        if (this.brokenOutputs.has(output.name)) return;
        this.brokenOutputs.add(output.name);
        this.notice(`${output.name} failed and goes on without this window: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  /** unique rows of the scenario's feeders, leased to agents */
  readonly leases: RunLeases;

  lease(message: MessageOf<'lease'>): void {
    if (this.agent(message.agentId)) this.leases.lease(message);
  }

  leaseStart(message: MessageOf<'lease-start'>): void {
    if (this.agent(message.agentId)) this.leases.start(message);
  }

  leaseReturn(message: MessageOf<'lease-return'>): void {
    if (this.agent(message.agentId)) this.leases.giveBack(message);
  }

  leaseEmpty(message: MessageOf<'lease-empty'>): void {
    if (this.agent(message.agentId)) this.leases.empty(message);
  }

  /** Something worth telling: logged for the dashboard and passed on, one line, safe for a terminal (agents and pages put text in it). */
  notice(anyText: string): void {
    const text = terminalSafe(boundText(anyText.replace(/\r?\n/g, ' '), MAX_NOTICE_CHARS));
    this.eventLog.push(text);
    this.eventLog.splice(0, Math.max(0, this.eventLog.length - EVENT_LOG));
    this.events.notice(text);
  }

  addAgent(state: Omit<AgentState, 'windows' | 'status' | 'activeVus' | 'lastHeardAt' | 'cpuHistory' | 'saturated' | 'saturatedWindows' | 'reconnects' | 'longestGapMs'>): AgentState {
    const agent: AgentState = {
      ...state,
      status: 'connecting',
      reconnects: 0,
      longestGapMs: 0,
      windows: new Set(),
      activeVus: 0,
      lastHeardAt: this.now(),
      cpuHistory: [],
      saturated: false,
      saturatedWindows: 0,
    };
    this.agents.set(agent.id, agent);
    this.persist(agent);
    return agent;
  }

  get allReady(): boolean {
    return [...this.agents.values()].every((a) => a.status === 'ready');
  }

  get allFinished(): boolean {
    return [...this.agents.values()].every((a) => TERMINAL.includes(a.status));
  }

  setStatus(agent: AgentState, status: AgentStatus, error?: string): void {
    if (TERMINAL.includes(agent.status)) return;
    this.enter(agent, status);
    if (error !== undefined) agent.error = error;
    if (TERMINAL.includes(status)) this.leases.agentGone(agent.id, status !== 'done');
    if (status === 'lost') agent.lostAt ??= this.now();
    this.persist(agent);
    // An agent that is done or lost is waited for no more: the windows it held up may be complete now.
    this.dispatch.check();
    this.events.changed();
  }

  /** The one place an agent's status changes: the running count and the dispatch follow it. */
  private enter(agent: AgentState, status: AgentStatus): void {
    const wasRunning = agent.status === 'running';
    agent.status = status;
    if (wasRunning === (status === 'running')) return;
    this.runningAgents += wasRunning ? -1 : 1;
    this.dispatch.agentRunning(agent.id, !wasRunning);
  }

  hello(message: MessageOf<'hello'>): void {
    const agent = this.agent(message.agentId);
    if (!agent) return;
    agent.facts = message.facts;
    if (message.resumed) this.reconnected(agent);
    agent.disconnectedAt = undefined;
    agent.lastHeardAt = this.now();
    if (agent.status === 'lost') {
      this.notice(`agent ${label(agent)} is back`);
      this.enter(agent, 'running');
      agent.lostAt = undefined;
    }
    this.persist(agent);
  }

  /** A link back: counted, and its gap timed from when the old one was seen to close (0 when it never was). */
  private reconnected(agent: AgentState): void {
    const gapMs = agent.disconnectedAt !== undefined ? this.now() - agent.disconnectedAt : 0;
    agent.reconnects += 1;
    agent.longestGapMs = Math.max(agent.longestGapMs, gapMs);
    if (agent.status !== 'lost') this.notice(`agent ${label(agent)} reconnected after ${(gapMs / 1000).toFixed(1)}s`);
  }

  ready(message: MessageOf<'ready'>): void {
    const agent = this.agent(message.agentId);
    if (!agent) return;
    agent.chromium = message.chromium;
    this.setStatus(agent, 'ready');
  }

  /** Resolves once the window is committed: the hub acks then. */
  async window(message: MessageOf<'window'>, frame: string): Promise<void> {
    const agent = this.agent(message.agentId);
    if (!agent) return;
    agent.lastHeardAt = this.now();
    const { windowMs, since } = this.windowRule;
    const problem = windowOutOfBounds(message.window, {
      plannedVus: agent.plannedVus,
      windowMs,
      // Agents align windows to the t0 of their start; before it was sent, no window can come.
      origin: this.t0 ?? 0,
      // Windows go out after they end, on the controller's clock as the agent took it at the start (a host's clock
      // may drift from it over a long run): none starts long after now, nor long before the run.
      latest: this.now() + CLOCK_MARGIN_MS,
      ...(since !== undefined ? { earliest: since - CLOCK_MARGIN_MS } : {}),
    });
    if (problem !== undefined) {
      // Acked and left out, not stored: a resend would be refused the same way.
      this.refusedWindows += 1;
      this.noticeFirstFew(this.refusedWindows, () => `agent ${label(agent)}: window refused, not stored: ${problem}`, 'more refused windows are counted, not shown');
      agent.windows.add(message.window.windowStart);
      this.dispatch.refused(agent.id, message.window.windowStart, message.window.windowMs);
      this.checkDone(agent);
      return;
    }
    const { agentId, seq, window } = message;
    const result = await this.writes.saveWindow({ agentId, seq, windowStart: window.windowStart, windowMs: window.windowMs, frame });
    if (!agent.windows.has(message.window.windowStart)) {
      const { resources } = message.window;
      agent.cpuHistory = [...agent.cpuHistory, resources.hostCpuPct].slice(-CPU_HISTORY);
      agent.rssMb = resources.agentRssMb;
      agent.hostMemUsedPct = resources.hostMemUsedPct;
      agent.lastWindowAt = this.now();
      // Fresher than the last heartbeat's count, for the dashboard.
      agent.activeVus = message.window.vus.max;
      if (message.window.saturated) {
        agent.saturatedWindows += 1;
        if (!agent.saturated) this.notice(`agent ${label(agent)} is saturated (CPU over ${SATURATION_CPU_PCT}% or its event loop lags): its numbers are distorted`);
      }
      agent.saturated = message.window.saturated;
    }
    agent.windows.add(message.window.windowStart);
    if (result === 'new') this.dispatch.add(agentId, window);
    else if (result === 'replaced') this.dispatch.add(agentId, window, () => this.writes.bodiesAt(window.windowStart));
    else this.duplicates += 1;
    this.checkDone(agent);
    this.events.changed();
  }


  event(message: MessageOf<'event'>): void {
    const agent = this.agent(message.agentId);
    if (!agent) return;
    if (message.level === 'error') {
      agent.error = boundText(message.message, MAX_ERROR_MESSAGE_CHARS);
      this.persist(agent);
    }
    this.notice(`agent ${label(agent)}: ${message.message}`);
    this.events.changed();
  }

  /** Saved at once (the ack follows); counted for the live view. */
  evidence(message: MessageOf<'evidence'>): void {
    const agent = this.agent(message.agentId);
    if (!agent) return;
    this.writes.saveEvidence(() => this.store.evidence.save(this.runId, message.agentId, message.seq, message.evidence));
    this.evidenceItems += 1;
  }

  bye(message: MessageOf<'bye'>): void {
    const agent = this.agent(message.agentId);
    if (!agent) return;
    agent.expectedWindows = message.windows;
    agent.byeAt = this.now();
    if (!ORDINARY_ENDS.includes(message.reason)) {
      // Its load ended before the plan did (its Chromium died): the report says why.
      agent.error = `stopped early: ${boundText(message.reason, MAX_ERROR_MESSAGE_CHARS)}`;
      this.notice(`agent ${label(agent)} ${agent.error}`);
    }
    this.persist(agent);
    this.checkDone(agent);
    this.events.changed();
  }

  heartbeat(message: MessageOf<'heartbeat'>): void {
    const agent = this.agent(message.agentId);
    if (!agent) return;
    agent.activeVus = message.activeVus;
    agent.lastHeardAt = this.now();
  }

  disconnected(agentId: string): void {
    const agent = this.agent(agentId);
    if (!agent || TERMINAL.includes(agent.status)) return;
    agent.disconnectedAt = this.now();
    this.events.changed();
  }

  invalid(agentId: string | undefined, error: string): void {
    this.invalidFrames += 1;
    this.noticeFirstFew(
      this.invalidFrames,
      () => `agent ${boundText(agentId ?? '?', 80)} sent a message we cannot read: ${boundText(error.split('\n')[0] ?? '', 300)}`,
      'more unreadable messages are counted, not shown',
    );
  }

  /** A token holder can send thousands: the first few of a kind are shown, then one line says the rest are only counted (the run's end says how many). */
  private noticeFirstFew(count: number, text: () => string, rest: string): void {
    if (count <= NOTICES_OF_A_KIND) this.notice(text());
    if (count === NOTICES_OF_A_KIND) this.notice(rest);
  }

  /** The agent's process ended: done if it delivered everything, failed or lost otherwise. */
  processExited(agent: AgentState, code: number | null): void {
    if (TERMINAL.includes(agent.status)) return;
    if (agent.status === 'connecting') {
      const why = agent.error ?? agent.process?.logTail().filter(Boolean).at(-1) ?? `exited with code ${code}`;
      this.setStatus(agent, 'failed', why);
      return;
    }
    this.notice(`agent ${label(agent)} exited (code ${code}) before sending all its windows; marked lost`);
    this.setStatus(agent, 'lost');
  }

  /** Agents silent past `lostAfterMs` are marked lost; the run goes on without them. */
  markSilentAgentsLost(lostAfterMs: number): void {
    const now = this.now();
    for (const agent of this.agents.values()) {
      if (TERMINAL.includes(agent.status) || agent.status === 'connecting') continue;
      if (agent.disconnectedAt !== undefined && now - agent.disconnectedAt > lostAfterMs) {
        this.notice(`agent ${label(agent)} lost: no connection for ${Math.round((now - agent.disconnectedAt) / 1000)}s`);
        this.setStatus(agent, 'lost');
      }
    }
  }

  private checkDone(agent: AgentState): void {
    if (agent.expectedWindows !== undefined && agent.windows.size >= agent.expectedWindows) {
      this.setStatus(agent, 'done');
    }
  }

  private agent(agentId: string): AgentState | undefined {
    const agent = this.agents.get(agentId);
    if (!agent) this.notice(`a message from unknown agent ${agentId} was ignored`);
    return agent;
  }

  persist(agent: AgentState): void {
    const record = this.recordOf(agent);
    this.writes.write(() => this.store.upsertAgent(this.runId, record));
  }

  /** The agent as the store keeps it (and as a report made while the store refuses writes shows it). */
  recordOf(agent: AgentState): AgentRecord {
    return {
      agentId: agent.id,
      host: agent.host,
      plannedVus: agent.plannedVus,
      status: agent.status,
      ...(agent.facts ? { facts: agent.facts } : {}),
      ...(agent.chromium ? { chromium: agent.chromium } : {}),
      ...(agent.lostAt !== undefined ? { lostAt: agent.lostAt } : {}),
      ...(agent.error !== undefined ? { error: agent.error } : {}),
      reconnects: agent.reconnects,
      ...(agent.reconnects > 0 ? { longestGapMs: agent.longestGapMs } : {}),
      ...(agent.expectedWindows !== undefined ? { expectedWindows: agent.expectedWindows } : {}),
    };
  }
}
