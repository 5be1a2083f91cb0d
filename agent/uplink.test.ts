// The agent's side of at-least-once delivery, against a WebSocket server the
// test drives: everything but hello and heartbeats is kept until acked, and
// after a reconnect what is not acked goes again, in seq order, once.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../src/protocol/messages.js';
import { FACTS } from '../test/harness/fake-agent.js';
import { Uplink } from './uplink.js';

interface Frame {
  type: string;
  seq: number;
  resumed?: boolean;
}

/** A controller stand-in: records every frame per connection; acks only when told. */
async function controller() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const connections: Array<{ socket: WebSocket; frames: Frame[] }> = [];
  server.on('connection', (socket) => {
    const connection = { socket, frames: [] as Frame[] };
    connections.push(connection);
    socket.on('message', (data) => connection.frames.push(JSON.parse(data.toString()) as Frame));
  });
  const ack = (seq: number) => connections.at(-1)!.socket.send(JSON.stringify({ type: 'ack', protocol: PROTOCOL_VERSION, seq }));
  return { server, connections, ack, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent` };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 3000) throw new Error(`no ${what} within 3 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Uplink', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => cleanup.splice(0).forEach((fn) => fn()));

  it('after a reconnect resends exactly the unacked messages, in seq order, and says it resumed', async () => {
    const hub = await controller();
    const uplink = new Uplink({
      url: () => hub.url,
      token: 'token-token-token-token',
      runId: 'run-1',
      agentId: 'a1',
      facts: () => FACTS,
      heartbeatMs: 60_000,
      lostControllerMs: 60_000,
      activeVus: () => 0,
      onMessage: () => {},
      onLost: () => {},
      reconnectDelayMs: () => 10,
    });
    cleanup.push(() => uplink.close(), () => hub.server.close());
    await uplink.connect();
    const sent = [
      uplink.send({ type: 'event', level: 'info', message: 'one' }),
      uplink.send({ type: 'event', level: 'info', message: 'two' }),
      uplink.send({ type: 'event', level: 'info', message: 'three' }),
    ];
    await until('three events', () => hub.connections[0]!.frames.length === 4);
    hub.ack(sent[1]!);
    await until('the ack to land', () => uplink.pendingAcks === 2);
    hub.connections[0]!.socket.terminate();
    await until('a second connection with its resends', () => (hub.connections[1]?.frames.length ?? 0) === 3);
    const again = hub.connections[1]!.frames;
    expect(again[0]).toMatchObject({ type: 'hello', resumed: true });
    expect(again.slice(1).map((f) => f.seq)).toEqual([sent[0], sent[2]]);
    const acked = uplink.allAcked(3000);
    hub.ack(sent[0]!);
    hub.ack(sent[2]!);
    expect(await acked).toBe(true);
    expect(hub.connections).toHaveLength(2);
    expect(hub.connections[1]!.frames).toHaveLength(3);
  });
});
