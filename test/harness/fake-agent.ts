// A scripted agent for protocol tests: a real WebSocket client speaking the
// real protocol (zod-checked frames, seq numbers, hello, acks), without
// Chromium. Tests decide what it sends and when, and inject the faults
// Locust's mocked RPC would: duplicates, resends, cut links, silence.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { WindowAggregator } from '../../src/metrics/window.js';
import {
  AGENT_ID_HEADER,
  ControllerMessageSchema,
  PROTOCOL_VERSION,
  parseFrame,
  type AgentMessage,
  type ControllerMessage,
  type StartMessage,
  type WindowBody,
} from '../../src/protocol/messages.js';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import type { AgentProcess } from '../../controller/sites/agent-process.js';
import type { AgentSite } from '../../controller/sites/site.js';

type Envelope = 'protocol' | 'runId' | 'agentId' | 'seq';
export type Outgoing = AgentMessage extends infer M ? (M extends AgentMessage ? Omit<M, Envelope> : never) : never;

export const FACTS = { hostname: 'fake', platform: 'linux test x64', cores: 2, memoryMb: 1024, node: 'v20.0.0', clock: 0 };

export class FakeAgent {
  private socket: WebSocket | undefined;
  private seq = 0;
  private readonly frames = new Map<number, string>();
  /** seqs the controller acked, in the order the acks came */
  readonly acks: number[] = [];
  /** everything but acks the controller sent */
  readonly received: ControllerMessage[] = [];
  private readonly changed = new Set<() => void>();

  constructor(
    private readonly url: string,
    private readonly token: string,
    readonly runId: string,
    readonly agentId: string,
  ) {}

  private killed = false;
  /** one per FakeAgent, as one per agent process */
  private readonly incarnation = randomUUID();

  /** Opens a connection and says hello on it (unless told not to); `resumed` when it replaces a dropped one. */
  async open(resumed = false, hello = true): Promise<void> {
    const socket = new WebSocket(this.url, { headers: { authorization: `Bearer ${this.token}`, [AGENT_ID_HEADER]: encodeURIComponent(this.agentId) } });
    socket.on('message', (data) => this.take(data.toString()));
    socket.on('close', () => this.notify());
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`refused: HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
    this.socket = socket;
    if (hello) this.send({ type: 'hello', pid: process.pid, resumed, incarnation: this.incarnation, facts: FACTS });
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a message with the next seq; returns the seq. */
  send(message: Outgoing): number {
    const seq = ++this.seq;
    const frame = JSON.stringify({ ...message, protocol: PROTOCOL_VERSION, runId: this.runId, agentId: this.agentId, seq });
    this.frames.set(seq, frame);
    this.sendFrame(frame);
    return seq;
  }

  /** window messages sent, resends not counted: what the agent's bye reports */
  get windowsSent(): number {
    return [...this.frames.values()].filter((frame) => frame.includes('"type":"window"')).length;
  }

  sendWindow(window: WindowBody): number {
    return this.send({ type: 'window', window });
  }

  /** The frame of `seq` once more, exactly as first sent. */
  resend(seq: number): void {
    this.sendFrame(this.frames.get(seq)!);
  }

  /** Every frame but hellos and heartbeats not acked yet, in seq order, as the agent's uplink does after a reconnect. */
  resendUnacked(): number[] {
    const pending = [...this.frames.entries()]
      .filter(([seq, frame]) => !this.acks.includes(seq) && !/"type":"(hello|heartbeat)"/.test(frame))
      .map(([seq]) => seq);
    for (const seq of pending) this.resend(seq);
    return pending;
  }

  sendFrame(frame: string): void {
    if (!this.connected) throw new Error(`${this.agentId} is not connected`);
    this.socket!.send(frame);
  }

  /** Cuts the connection at once, as a dead network would. */
  drop(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  close(): void {
    this.socket?.close(1000, 'done');
    this.socket = undefined;
  }

  /** The agent's process is gone: the link drops and whatever its script waits for never comes. */
  kill(): void {
    this.killed = true;
    this.drop();
    this.notify();
  }

  /**
   * Resolves once `condition` holds: re-checked on every frame, and every few
   * milliseconds for conditions on the controller's side. Rejects after
   * `timeoutMs`, naming `what`.
   */
  until(what: string, condition: () => boolean, timeoutMs = 3000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.changed.delete(check);
      };
      const check = () => {
        if (this.killed) {
          stop();
          reject(new Error(`${this.agentId} was killed while waiting for ${what}`));
        }
        if (!condition()) return;
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`${this.agentId}: no ${what} within ${timeoutMs} ms (acks so far: ${this.acks.join(', ') || 'none'})`));
      }, timeoutMs);
      const poll = setInterval(check, 5);
      this.changed.add(check);
    });
  }

  untilAcked(seq: number, timeoutMs?: number): Promise<void> {
    return this.until(`ack of seq ${seq}`, () => this.acks.includes(seq), timeoutMs);
  }

  untilReceived<T extends ControllerMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<ControllerMessage, { type: T }>> {
    const found = () => this.received.find((m): m is Extract<ControllerMessage, { type: T }> => m.type === type);
    return this.until(`${type} message`, () => found() !== undefined, timeoutMs).then(() => found()!);
  }

  private take(frame: string): void {
    const parsed = parseFrame(ControllerMessageSchema, frame);
    if (!parsed.ok) throw new Error(`the controller sent a frame the protocol does not allow: ${parsed.error}`);
    if (parsed.message.type === 'ack') this.acks.push(parsed.message.seq);
    else this.received.push(parsed.message);
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.changed]) check();
  }
}

const RESOURCES = { hostCpuPct: 20, agentCpuPct: 5, agentRssMb: 80, hostMemUsedPct: 30, loopLagMs: 1 };

/** One window at `windowStart` in which step "home" took each of `durations` (ms); a duration below 0 is a failure. */
export function windowOf(windowStart: number, windowMs: number, durations: readonly number[], vus = 1): WindowBody {
  const aggregator = new WindowAggregator(windowMs, windowStart);
  aggregator.activeVusChanged(vus, windowStart);
  durations.forEach((ms, i) => {
    const at = windowStart + i;
    aggregator.iterationStarted(at);
    if (ms < 0) aggregator.stepFailed('home', at, 'Error', 'injected');
    else aggregator.stepSucceeded('home', at, ms);
    aggregator.iterationEnded(at, ms >= 0);
  });
  const [window] = aggregator.takeAll(windowStart + windowMs - 1, () => RESOURCES);
  return window!;
}

/** What a scripted agent does once it has its start: send windows, then (by returning) its bye. */
export type AgentScript = (agent: FakeAgent, start: StartMessage) => Promise<void>;

export interface FakeSite extends AgentSite {
  /** the agent, once the run started it */
  agent(): FakeAgent;
  /** resolves once the run has started the agent */
  readonly started: Promise<void>;
}

/**
 * A site whose agent is a FakeAgent: it connects, says ready, waits for its
 * start, runs `script`, says bye with the count of windows it sent, and its
 * "process" exits. Killing it drops the link and ends the process.
 */
export function fakeSite(id: string, script: AgentScript, options: { failBeforeReady?: string; silentBeforeReady?: boolean } = {}): FakeSite {
  let agent: FakeAgent | undefined;
  let started!: () => void;
  return {
    id,
    host: `${id}.test`,
    weight: 1,
    agent: () => agent!,
    started: new Promise<void>((resolve) => (started = resolve)),
    start: async (config: AgentConfigInput): Promise<AgentProcess> => {
      const fake = (agent = new FakeAgent(config.controllerUrl, config.token, config.runId, config.agentId));
      let exit!: (code: number) => void;
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => (exit = (code) => resolve({ code, signal: null })));
      await fake.open();
      started();
      void live(fake, script, options).then(exit, () => exit(1));
      return {
        host: `${id}.test`,
        exited,
        logTail: () => (options.failBeforeReady ? [options.failBeforeReady] : []),
        kill: () => {
          fake.kill();
          exit(137);
          return true;
        },
      };
    },
    startHelper: () => Promise.reject(new Error('a fake site runs no helpers')),
    cleanup: async () => [],
  };
}

async function live(agent: FakeAgent, script: AgentScript, options: { failBeforeReady?: string; silentBeforeReady?: boolean }): Promise<number> {
  const { failBeforeReady } = options;
  if (options.silentBeforeReady) await new Promise(() => {});
  if (failBeforeReady) {
    const seq = agent.send({ type: 'event', level: 'error', message: failBeforeReady });
    await agent.untilAcked(seq);
    agent.close();
    return 1;
  }
  agent.send({ type: 'ready', chromium: 'HeadlessChrome/0 (fake)', scenario: 'fake' });
  const start = await agent.untilReceived('start', 10_000);
  await script(agent, start);
  const bye = agent.send({ type: 'bye', windows: agent.windowsSent, reason: 'script done' });
  await agent.untilAcked(bye, 10_000);
  agent.close();
  return 0;
}
