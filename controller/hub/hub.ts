// The controller's WebSocket hub: admits each agent by its own credential and
// binds the connection to that agent, validates every frame, processes each
// agent's messages at most once in seq order (per agent process), and acks
// only after the handler returned (the store committed).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { PendingConnections, agentCredential, authenticatedAgent } from './gate.js';
import {
  AgentMessageSchema,
  PROTOCOL_VERSION,
  parseFrame,
  type AgentMessage,
  type ControllerMessage,
} from '../../src/protocol/messages.js';

export type MessageOf<T extends AgentMessage['type']> = Extract<AgentMessage, { type: T }>;

export interface HubHandlers {
  hello(message: MessageOf<'hello'>): void;
  ready(message: MessageOf<'ready'>): void;
  /** The ack follows once the window is committed: when this returns, or its promise resolves. `frame` is the text received. */
  window(message: MessageOf<'window'>, frame: string): void | Promise<void>;
  event(message: MessageOf<'event'>): void;
  /** A failed step's evidence; saved before the ack. */
  evidence(message: MessageOf<'evidence'>): void;
  bye(message: MessageOf<'bye'>): void;
  heartbeat(message: MessageOf<'heartbeat'>): void;
  /** unique rows (controller/run/leases.ts): acked once handled */
  lease?(message: MessageOf<'lease'>): void;
  leaseStart?(message: MessageOf<'lease-start'>): void;
  leaseReturn?(message: MessageOf<'lease-return'>): void;
  leaseEmpty?(message: MessageOf<'lease-empty'>): void;
  /** The agent's socket closed or went silent; it may come back. */
  disconnected(agentId: string): void;
  /** A frame that failed validation: the agent is out of step with us. */
  invalid(agentId: string | undefined, error: string): void;
}

export interface HubOptions {
  runId: string;
  /** the run's secret key: each agent's credential is derived from it (credentialFor) */
  token: string;
  heartbeatMs: number;
  handlers: HubHandlers;
  host?: string;
  port?: number;
  /** a window is committed and its ack not yet sent (RunHooks.windowCommitted) */
  windowCommitted?: (agentId: string, seq: number) => void;
  /** connections not yet an agent's WebSocket: at most so many, for at most so long */
  pending?: PendingConnections;
}

interface Session {
  socket: WebSocket;
  lastProcessed: number;
  lastHeard: number;
  incarnation: string | undefined;
}

export class AgentHub {
  private readonly sessions = new Map<string, Session>();
  private readonly heartbeat: NodeJS.Timeout;

  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });

  private constructor(
    private readonly server: Server,
    private readonly pending: PendingConnections,
    private readonly options: HubOptions,
  ) {
    server.on('connection', (socket: Socket) => pending.arrived(socket));
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(request, socket, head));
    // Anything but an agent's WebSocket gets a short answer and a closed connection.
    server.on('request', (_request, response) => response.writeHead(426, { connection: 'close' }).end());
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
  }

  static async listen(options: HubOptions): Promise<AgentHub> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return new AgentHub(server, options.pending ?? new PendingConnections(), options);
  }

  /** What agent `agentId` shows as its bearer token: handed to it with its config, never to another agent. */
  credentialFor(agentId: string): string {
    return agentCredential(this.options.token, agentId);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/agent`;
  }

  send(agentId: string, message: ControllerMessage): boolean {
    const socket = this.sessions.get(agentId)?.socket;
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Cuts an agent's link: it dials in again and sends everything not acked. */
  drop(agentId: string): void {
    this.sessions.get(agentId)?.socket.terminate();
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.pending.close();
    for (const client of this.sockets.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    this.pending.settled(socket);
    // A client that resets the connection (after its 401 or mid-handshake) must not take the controller with it.
    socket.on('error', () => {});
    const agentId = authenticatedAgent(request, this.options.token);
    if (agentId === undefined) {
      // Ended, not destroyed: the answer reaches the client before the connection goes (at the latest after a second).
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (webSocket) => this.accept(webSocket, agentId));
  }

  /** `boundTo`: the agent whose credential opened the connection; it speaks for no other. */
  private accept(socket: WebSocket, boundTo: string): void {
    let greeted = false;
    socket.on('message', (data) => {
      const frame = data.toString();
      const parsed = parseFrame(AgentMessageSchema, frame);
      if (!parsed.ok) {
        this.options.handlers.invalid(boundTo, parsed.error);
        return;
      }
      const message = parsed.message;
      if (message.runId !== this.options.runId) {
        this.options.handlers.invalid(message.agentId, `message for run ${message.runId}, not ${this.options.runId}`);
        socket.close(4000, 'wrong run');
        return;
      }
      if (message.agentId !== boundTo) {
        this.options.handlers.invalid(boundTo, `message signed as agent ${message.agentId} on agent ${boundTo}'s connection`);
        return;
      }
      if (message.type === 'hello') {
        greeted = true;
        this.adopt(boundTo, socket, message.incarnation);
      }
      if (!greeted) {
        this.options.handlers.invalid(boundTo, 'message before hello');
        return;
      }
      this.process(this.sessions.get(boundTo)!, message, frame);
    });
    socket.on('close', () => {
      if (greeted && this.sessions.get(boundTo)?.socket === socket) this.options.handlers.disconnected(boundTo);
    });
    socket.on('error', () => {});
  }

  /** Only the agent's own credential gets here: its new connection replaces the old one. */
  private adopt(agentId: string, socket: WebSocket, incarnation: string | undefined): void {
    const previous = this.sessions.get(agentId);
    if (previous && previous.socket !== socket) previous.socket.terminate();
    // A restarted agent numbers its messages from 1 again: what its predecessor sent says nothing of them.
    const sameProcess = previous !== undefined && previous.incarnation === incarnation;
    this.sessions.set(agentId, { socket, lastProcessed: sameProcess ? previous.lastProcessed : 0, lastHeard: Date.now(), incarnation });
  }

  private process(session: Session, message: AgentMessage, frame: string): void {
    session.lastHeard = Date.now();
    const { handlers } = this.options;
    if (message.type === 'heartbeat') return handlers.heartbeat(message);
    if (message.type === 'hello') return handlers.hello(message);
    if (message.type === 'window') {
      // Windows are idempotent in the store: a resend is saved again (a no-op) and acked again.
      session.lastProcessed = Math.max(session.lastProcessed, message.seq);
      const committed = () => {
        this.options.windowCommitted?.(message.agentId, message.seq);
        this.ack(session, message.seq);
      };
      const saving = handlers.window(message, frame);
      // Not acked when saving failed: the agent keeps the window and sends it again.
      if (saving) saving.then(committed, (error: unknown) => handlers.invalid(message.agentId, `window not saved: ${String(error)}`));
      else committed();
      return;
    }
    if (message.seq > session.lastProcessed) {
      session.lastProcessed = message.seq;
      if (message.type === 'ready') handlers.ready(message);
      else if (message.type === 'event') handlers.event(message);
      else if (message.type === 'evidence') handlers.evidence(message);
      else if (message.type === 'lease') handlers.lease?.(message);
      else if (message.type === 'lease-start') handlers.leaseStart?.(message);
      else if (message.type === 'lease-return') handlers.leaseReturn?.(message);
      else if (message.type === 'lease-empty') handlers.leaseEmpty?.(message);
      else handlers.bye(message);
    }
    this.ack(session, message.seq);
  }

  private ack(session: Session, seq: number): void {
    if (session.socket.readyState === WebSocket.OPEN) {
      session.socket.send(JSON.stringify({ type: 'ack', protocol: PROTOCOL_VERSION, seq }));
    }
  }

  private beat(): void {
    const now = Date.now();
    for (const session of this.sessions.values()) {
      if (session.socket.readyState !== WebSocket.OPEN) continue;
      if (now - session.lastHeard > 3 * this.options.heartbeatMs) {
        session.socket.terminate();
        continue;
      }
      session.socket.send(JSON.stringify({ type: 'heartbeat', protocol: PROTOCOL_VERSION, now }));
    }
  }
}
