// The agent's WebSocket to the controller: numbered messages, at-least-once
// delivery of everything but heartbeats (kept until acked, resent after a
// reconnect), and a deadline after which a lost controller means stop.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Redactor } from '../src/secrets/redact.js';
import {
  AGENT_ID_HEADER,
  ControllerMessageSchema,
  PROTOCOL_VERSION,
  parseFrame,
  type AgentMessage,
  type ControllerMessage,
  type HostFacts,
} from '../src/protocol/messages.js';

const RECONNECT_DELAY_MS = 300;
/**
 * A dropped link usually drops for the whole fleet at once. Spread over 2 s,
 * as windows are reported, thousands of agents reconnect and resend without a
 * burst: on 2 cores 5,000 windows sent within 250 ms were acked after up to
 * 0.7-1.4 s (p99), spread over 2 s within 32-98 ms (docs/benchmarks.md).
 */
const RECONNECT_JITTER_MS = 2000;

type Envelope = 'protocol' | 'runId' | 'agentId' | 'seq';
type Outgoing = AgentMessage extends infer M ? (M extends AgentMessage ? Omit<M, Envelope> : never) : never;

export interface UplinkOptions {
  /** asked before every connection: a re-dialled SSH forward may have moved the controller to another port */
  url: () => string;
  /** this agent's own credential (the controller derives one per agent) */
  token: string;
  runId: string;
  agentId: string;
  facts: () => HostFacts;
  heartbeatMs: number;
  lostControllerMs: number;
  activeVus: () => number;
  onMessage: (message: ControllerMessage) => void;
  /** the controller could not be reached for lostControllerMs */
  onLost: () => void;
  /** wait before reconnecting; default 0.3 s plus up to 2 s at random */
  reconnectDelayMs?: () => number;
}

const jitteredReconnectDelay = () => RECONNECT_DELAY_MS + Math.random() * RECONNECT_JITTER_MS;

export class Uplink {
  private socket: WebSocket | undefined;
  private seq = 0;
  private readonly unacked = new Map<number, string>();
  private connectedOnce = false;
  private closed = false;
  private lastHeard = Date.now();
  private disconnectedSince: number | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly ackWaiters = new Set<() => void>();
  private onFirstOpen: ((connected: boolean) => void) | undefined;
  private lastSentHeartbeat = 0;
  /** this process's numbering: the controller starts afresh for another one */
  private readonly incarnation = randomUUID();

  constructor(private readonly options: UplinkOptions) {}

  /** Resolves true on the first connection, false when none came within lostControllerMs. */
  connect(): Promise<boolean> {
    this.disconnectedSince = Date.now();
    this.heartbeatTimer = setInterval(() => this.tick(), Math.min(1000, this.options.heartbeatMs));
    return new Promise<boolean>((resolve) => {
      this.onFirstOpen = resolve;
      this.open();
    });
  }

  /** From now on every frame has these values (and their encoded forms) masked: nothing downstream ever holds them. */
  maskSecrets(redactor: Redactor): void {
    this.redactor = redactor;
  }

  private redactor: Redactor | undefined;

  send(message: Outgoing): number {
    const seq = ++this.seq;
    const json = JSON.stringify({
      ...message,
      protocol: PROTOCOL_VERSION,
      runId: this.options.runId,
      agentId: this.options.agentId,
      seq,
    });
    const frame = this.redactor ? this.redactor.json(json) : json;
    if (message.type !== 'heartbeat' && message.type !== 'hello') this.unacked.set(seq, frame);
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame);
    return seq;
  }

  get pendingAcks(): number {
    return this.unacked.size;
  }

  /** True once every ackable message is acked; false when the time runs out, or the controller is lost, first. */
  allAcked(timeoutMs: number): Promise<boolean> {
    return this.ackedWhen(() => this.unacked.size === 0, timeoutMs);
  }

  /** True once message `seq` is acked; false when the time runs out, or the controller is lost, first. */
  acknowledged(seq: number, timeoutMs: number): Promise<boolean> {
    return this.ackedWhen(() => !this.unacked.has(seq), timeoutMs);
  }

  /** Waits, re-checked at every ack, for `acked` to hold; false at the timeout or once the uplink is closed. */
  private async ackedWhen(acked: () => boolean, timeoutMs: number): Promise<boolean> {
    if (acked()) return true;
    if (this.closed) return false;
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.ackWaiters.delete(check);
        resolve(value);
      };
      const check = () => (acked() ? done(true) : this.closed && done(false));
      const timer = setTimeout(() => done(false), timeoutMs);
      this.ackWaiters.add(check);
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.socket?.close(1000, 'agent done');
  }

  private open(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.options.url(), {
      headers: { authorization: `Bearer ${this.options.token}`, [AGENT_ID_HEADER]: encodeURIComponent(this.options.agentId) },
      handshakeTimeout: 5000,
    });
    socket.on('open', () => {
      this.socket = socket;
      this.lastHeard = Date.now();
      this.disconnectedSince = undefined;
      this.send({ type: 'hello', pid: process.pid, resumed: this.connectedOnce, incarnation: this.incarnation, facts: this.options.facts() });
      this.connectedOnce = true;
      // Resend in order: the controller processes each seq at most once.
      for (const seq of [...this.unacked.keys()].sort((a, b) => a - b)) socket.send(this.unacked.get(seq)!);
      this.onFirstOpen?.(true);
      this.onFirstOpen = undefined;
    });
    socket.on('message', (data) => {
      this.lastHeard = Date.now();
      const parsed = parseFrame(ControllerMessageSchema, data.toString());
      if (!parsed.ok) return;
      if (parsed.message.type === 'ack') this.acked(parsed.message.seq);
      else this.options.onMessage(parsed.message);
    });
    // 'close' follows every error; reconnecting happens there.
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      if (this.closed) return;
      this.disconnectedSince ??= Date.now();
      setTimeout(() => this.open(), (this.options.reconnectDelayMs ?? jitteredReconnectDelay)());
    });
  }

  private acked(seq: number): void {
    this.unacked.delete(seq);
    for (const check of [...this.ackWaiters]) check();
  }

  private tick(): void {
    const now = Date.now();
    if (this.disconnectedSince !== undefined && now - this.disconnectedSince > this.options.lostControllerMs) {
      this.close();
      // Whoever waits for a connection or for acks hears now that none will come.
      this.onFirstOpen?.(false);
      this.onFirstOpen = undefined;
      for (const check of [...this.ackWaiters]) check();
      this.options.onLost();
      return;
    }
    if (!this.socket) return;
    if (now - this.lastHeard > 3 * this.options.heartbeatMs) {
      // Silent for three heartbeats: the link is dead even if TCP has not noticed.
      this.socket.terminate();
      return;
    }
    if (now - this.lastSentHeartbeat >= this.options.heartbeatMs) {
      this.lastSentHeartbeat = now;
      this.send({ type: 'heartbeat', activeVus: this.options.activeVus() });
    }
  }

}
