// Who may open a WebSocket to the hub: a connection that has not become an
// agent's WebSocket within a few seconds is closed, and only so many may wait
// at once (the longest-waiting goes first), so idle TCP connections (no
// credential needed to open one) cannot use up the controller's file
// descriptors nor keep agents out. Each agent has its own credential,
// derived from the run's secret key: a connection is bound to the agent whose
// credential it showed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { AGENT_ID_HEADER } from '../../src/protocol/messages.js';

/** Connections not yet upgraded to an agent's WebSocket, at most. */
export const PENDING_CONNECTIONS_CAP = 256;
/** How long a connection may take to become an agent's WebSocket. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** The credential of one agent of a run: what it shows as its bearer token. */
export function agentCredential(runKey: string, agentId: string): string {
  return createHmac('sha256', runKey).update(agentId).digest('hex');
}

/** The agent a request's credential belongs to, or undefined when it shows none that fits. */
export function authenticatedAgent(request: IncomingMessage, runKey: string): string | undefined {
  const header = request.headers[AGENT_ID_HEADER];
  if (typeof header !== 'string' || header.length === 0 || header.length > 1000) return undefined;
  let agentId: string;
  try {
    agentId = decodeURIComponent(header);
  } catch {
    return undefined;
  }
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${agentCredential(runKey, agentId)}`);
  return given.length === expected.length && timingSafeEqual(given, expected) ? agentId : undefined;
}

/** Tracks connections until they are upgraded: closes them past the cap or the handshake timeout. */
export class PendingConnections {
  private readonly waiting = new Map<Socket, NodeJS.Timeout>();
  /** connections closed for the cap or the timeout */
  refused = 0;

  constructor(
    private readonly cap = PENDING_CONNECTIONS_CAP,
    private readonly timeoutMs = HANDSHAKE_TIMEOUT_MS,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Past the cap the longest-waiting one goes: a flood of idle connections cannot keep an agent from dialling in. */
  arrived(socket: Socket): void {
    if (this.waiting.size >= this.cap) {
      const [oldest] = this.waiting.keys();
      this.drop(oldest!);
    }
    const timer = setTimeout(() => this.drop(socket), this.timeoutMs);
    timer.unref();
    this.waiting.set(socket, timer);
    socket.once('close', () => this.settled(socket));
  }

  private drop(socket: Socket): void {
    this.refused += 1;
    this.settled(socket);
    socket.destroy();
  }

  /** Upgraded (or gone): no longer waits. */
  settled(socket: Socket): void {
    clearTimeout(this.waiting.get(socket));
    this.waiting.delete(socket);
  }

  close(): void {
    for (const [socket, timer] of this.waiting) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.waiting.clear();
  }
}
