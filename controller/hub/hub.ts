// The controller's WebSocket hub: authenticates agents by the run's token,
// validates every frame, processes each agent's messages at most once in seq
// order, and acks only after the handler returned (the store committed).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
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
  /** The agent's socket closed or went silent; it may come back. */
  disconnected(agentId: string): void;
  /** A frame that failed validation: the agent is out of step with us. */
  invalid(agentId: string | undefined, error: string): void;
}

export interface HubOptions {
  runId: string;
  token: string;
  heartbeatMs: number;
  handlers: HubHandlers;
  host?: string;
  port?: number;
  /** a window is committed and its ack not yet sent (RunHooks.windowCommitted) */
  windowCommitted?: (agentId: string, seq: number) => void;
}

interface Session {
  socket: WebSocket;
  lastProcessed: number;
  lastHeard: number;
}

export class AgentHub {
  private readonly sessions = new Map<string, Session>();
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly server: WebSocketServer,
    private readonly options: HubOptions,
  ) {
    server.on('connection', (socket) => this.accept(socket));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
  }

  static async listen(options: HubOptions): Promise<AgentHub> {
    const expected = Buffer.from(`Bearer ${options.token}`);
    const server = new WebSocketServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      maxPayload: 16 * 1024 * 1024,
      verifyClient: ({ req }: { req: IncomingMessage }) => {
        const given = Buffer.from(req.headers.authorization ?? '');
        return given.length === expected.length && timingSafeEqual(given, expected);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new AgentHub(server, options);
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

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    let agentId: string | undefined;
    socket.on('message', (data) => {
      const frame = data.toString();
      const parsed = parseFrame(AgentMessageSchema, frame);
      if (!parsed.ok) {
        this.options.handlers.invalid(agentId, parsed.error);
        return;
      }
      const message = parsed.message;
      if (message.runId !== this.options.runId) {
        this.options.handlers.invalid(message.agentId, `message for run ${message.runId}, not ${this.options.runId}`);
        socket.close(4000, 'wrong run');
        return;
      }
      if (message.type === 'hello') {
        agentId = message.agentId;
        this.adopt(agentId, socket);
      }
      if (agentId === undefined || agentId !== message.agentId) {
        this.options.handlers.invalid(message.agentId, 'message before hello');
        return;
      }
      this.process(this.sessions.get(agentId)!, message, frame);
    });
    socket.on('close', () => {
      if (agentId !== undefined && this.sessions.get(agentId)?.socket === socket) {
        this.options.handlers.disconnected(agentId);
      }
    });
    socket.on('error', () => {});
  }

  private adopt(agentId: string, socket: WebSocket): void {
    const previous = this.sessions.get(agentId);
    if (previous && previous.socket !== socket) previous.socket.terminate();
    this.sessions.set(agentId, { socket, lastProcessed: previous?.lastProcessed ?? 0, lastHeard: Date.now() });
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
