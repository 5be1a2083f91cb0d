// The hub against scripted agents over real WebSockets: what it acks and
// when, what it processes once, and whom it lets in.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageOf } from './hub.js';
import { AgentHub, type HubHandlers } from './hub.js';
import { PendingConnections } from './gate.js';
import { FakeAgent, windowOf } from '../../test/harness/fake-agent.js';

const RUN = 'run-1';
const TOKEN = 'a-token-of-at-least-16-chars';

interface Deferred {
  resolve(): void;
  reject(error: Error): void;
}

/** Records every call; windows commit when the test says so. */
function recordingHandlers() {
  const calls = { events: [] as MessageOf<'event'>[], windows: [] as MessageOf<'window'>[], byes: [] as MessageOf<'bye'>[], invalid: [] as string[], disconnected: [] as string[] };
  const commits: Deferred[] = [];
  const handlers: HubHandlers = {
    hello: () => {},
    ready: () => {},
    window: (message) => {
      calls.windows.push(message);
      return new Promise<void>((resolve, reject) => commits.push({ resolve, reject }));
    },
    event: (message) => void calls.events.push(message),
    bye: (message) => void calls.byes.push(message),
    evidence: () => {},
    heartbeat: () => {},
    disconnected: (agentId) => void calls.disconnected.push(agentId),
    invalid: (_agentId, error) => void calls.invalid.push(error),
  };
  return { handlers, calls, commits };
}

describe('AgentHub', () => {
  const open: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    for (const thing of open.splice(0)) await thing.close();
  });

  async function hubWith(handlers: HubHandlers, heartbeatMs = 5000, pending?: PendingConnections) {
    const hub = await AgentHub.listen({ runId: RUN, token: TOKEN, heartbeatMs, handlers, ...(pending ? { pending } : {}) });
    open.push(hub);
    return hub;
  }

  async function agentOf(hub: AgentHub, agentId = 'a1') {
    const agent = new FakeAgent(hub.url, hub.credentialFor(agentId), RUN, agentId);
    open.push(agent);
    await agent.open();
    return agent;
  }

  it('acks a window only once its commit is done, though later messages are acked before it', async () => {
    const { handlers, commits } = recordingHandlers();
    const hub = await hubWith(handlers);
    const agent = await agentOf(hub);
    const window = agent.sendWindow(windowOf(0, 1000, [100]));
    const event = agent.send({ type: 'event', level: 'info', message: 'after the window' });
    await agent.untilAcked(event);
    // Acks travel in order on one socket: had the window been acked before its commit, its ack would be here already.
    expect(agent.acks).toEqual([event]);
    expect(commits).toHaveLength(1);
    commits[0]!.resolve();
    await agent.untilAcked(window);
    expect(agent.acks).toEqual([event, window]);
  });

  it('never acks a window whose commit failed; the agent keeps it for a resend', async () => {
    const { handlers, calls, commits } = recordingHandlers();
    const hub = await hubWith(handlers);
    const agent = await agentOf(hub);
    const window = agent.sendWindow(windowOf(0, 1000, [100]));
    await agent.until('the window reaching the handler', () => commits.length === 1);
    commits[0]!.reject(new Error('disk full'));
    const event = agent.send({ type: 'event', level: 'info', message: 'after the failure' });
    await agent.untilAcked(event);
    expect(agent.acks).not.toContain(window);
    expect(calls.invalid).toEqual([expect.stringContaining('window not saved: Error: disk full')]);
    agent.resend(window);
    await agent.until('the resent window reaching the handler', () => commits.length === 2);
    commits[1]!.resolve();
    await agent.untilAcked(window);
  });

  it('processes a resent event once and acks it every time', async () => {
    const { handlers, calls } = recordingHandlers();
    const hub = await hubWith(handlers);
    const agent = await agentOf(hub);
    const seq = agent.send({ type: 'event', level: 'warn', message: 'once' });
    agent.resend(seq);
    await agent.until('two acks', () => agent.acks.length === 2);
    expect(agent.acks).toEqual([seq, seq]);
    expect(calls.events.map((e) => e.message)).toEqual(['once']);
  });

  it('remembers what an agent sent across its reconnect: an old seq on the new connection is not processed again', async () => {
    const { handlers, calls } = recordingHandlers();
    const hub = await hubWith(handlers);
    const agent = await agentOf(hub);
    const seq = agent.send({ type: 'event', level: 'warn', message: 'before the drop' });
    await agent.untilAcked(seq);
    agent.drop();
    await agent.open(true);
    agent.resend(seq);
    await agent.until('the re-ack', () => agent.acks.filter((s) => s === seq).length === 2);
    expect(calls.events).toHaveLength(1);
  });

  it('refuses a wrong credential, a message for another run, and a message before hello', async () => {
    const { handlers, calls } = recordingHandlers();
    const hub = await hubWith(handlers);
    await expect(new FakeAgent(hub.url, 'not-the-token-at-all-no', RUN, 'a1').open()).rejects.toThrow(/HTTP 401/);
    // The run's key itself is no agent's credential, and one agent's credential opens no other agent's connection.
    await expect(new FakeAgent(hub.url, TOKEN, RUN, 'a1').open()).rejects.toThrow(/HTTP 401/);
    await expect(new FakeAgent(hub.url, hub.credentialFor('a2'), RUN, 'a1').open()).rejects.toThrow(/HTTP 401/);
    const stranger = new FakeAgent(hub.url, hub.credentialFor('a2'), 'another-run', 'a2');
    open.push(stranger);
    await stranger.open();
    await stranger.until('the hub closing on it', () => !stranger.connected);
    expect(calls.invalid).toEqual([expect.stringContaining('message for run another-run, not run-1')]);
    const rude = new FakeAgent(hub.url, hub.credentialFor('a3'), RUN, 'a3');
    open.push(rude);
    await rude.open(false, false);
    rude.send({ type: 'event', level: 'info', message: 'who am I' });
    await rude.until('the invalid frame to be noted', () => calls.invalid.length === 2);
    expect(calls.invalid[1]).toBe('message before hello');
    // Nor may one agent speak for another on its connection.
    const impostor = await agentOf(hub, 'a4');
    impostor.sendFrame(JSON.stringify({ type: 'event', protocol: 1, runId: RUN, agentId: 'a5', seq: 1, level: 'info', message: 'not me' }));
    await impostor.until('the second invalid frame', () => calls.invalid.length === 3);
    expect(calls.invalid[2]).toBe("message signed as agent a5 on agent a4's connection");
    expect(calls.events).toEqual([]);
  });

  it("binds a connection to its agent: another agent's hello for it changes nothing, and the real agent's bye is processed", async () => {
    const { handlers, calls } = recordingHandlers();
    const hub = await hubWith(handlers);
    const real = await agentOf(hub, 'a1');
    const event = real.send({ type: 'event', level: 'info', message: 'real' });
    await real.untilAcked(event);
    // A holder of a2's credential says hello as a1 with a high seq: before, this took a1's session and its numbering.
    const other = await agentOf(hub, 'a2');
    other.sendFrame(JSON.stringify({ type: 'hello', protocol: 1, runId: RUN, agentId: 'a1', seq: 1000, pid: 1, resumed: true, facts: { hostname: 'x', platform: 'linux', cores: 1, memoryMb: 1, node: 'v20', clock: 0 } }));
    await other.until('the forged hello refused', () => calls.invalid.length === 1);
    expect(real.connected).toBe(true);
    const bye = real.send({ type: 'bye', windows: 0, reason: 'plan complete' });
    await real.untilAcked(bye);
    expect(calls.byes.map((b) => b.agentId)).toEqual(['a1']);
  });

  it("numbers a restarted agent's messages afresh: its seq 1 is processed though its predecessor's seq 3 was", async () => {
    const { handlers, calls } = recordingHandlers();
    const hub = await hubWith(handlers);
    const first = await agentOf(hub, 'a1');
    first.send({ type: 'event', level: 'info', message: 'one' });
    const third = first.send({ type: 'event', level: 'info', message: 'two' });
    await first.untilAcked(third);
    first.drop();
    // Same agent id and credential, another process: its first event has seq 2 (after its hello).
    const restarted = await agentOf(hub, 'a1');
    const again = restarted.send({ type: 'event', level: 'info', message: 'after the restart' });
    await restarted.untilAcked(again);
    expect(again).toBeLessThan(third);
    expect(calls.events.map((e) => e.message)).toEqual(['one', 'two', 'after the restart']);
  });

  it('closes connections that never become a WebSocket, past a cap or a deadline, and still admits agents', async () => {
    const { handlers } = recordingHandlers();
    const pending = new PendingConnections(20, 300);
    const hub = await hubWith(handlers, 5000, pending);
    const idle: Socket[] = [];
    const closed = new Set<Socket>();
    for (let i = 0; i < 60; i++) {
      const socket = connect(hub.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => closed.add(socket));
      idle.push(socket);
    }
    open.push({ close: () => idle.forEach((s) => s.destroy()) });
    const agent = await agentOf(hub, 'a1');
    await agent.until('every idle connection closed by the hub', () => closed.size === 60, 5000);
    expect(pending.refused).toBe(60);
    expect(pending.size).toBe(0);
    expect(agent.connected).toBe(true);
    const response = await fetch(`http://127.0.0.1:${hub.port}/agent`);
    expect(response.status).toBe(426);
  });

  it('drops an agent silent for three heartbeats and says it disconnected', async () => {
    const { handlers, calls } = recordingHandlers();
    const hub = await hubWith(handlers, 40);
    const agent = await agentOf(hub);
    // The fake agent sends no heartbeats: after 3 x 40 ms of silence the hub cuts it.
    await agent.until('the hub to report the silent agent disconnected', () => calls.disconnected.length > 0, 2000);
    // The hub reports as it closes; the close reaches the agent a moment later (a busy machine showed the gap).
    await agent.until('the connection closed on the agent side', () => !agent.connected, 2000);
    expect(calls.disconnected).toEqual(['a1']);
    expect(agent.received.some((m) => m.type === 'heartbeat')).toBe(true);
  });
});
