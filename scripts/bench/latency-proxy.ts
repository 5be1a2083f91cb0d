// A TCP relay that holds every chunk for half a round trip each way: an sshd
// on loopback made to look as far away as a host in another region. This
// machine's kernel has no netem qdisc, so the delay is added here; the agent's
// way back rides the same SSH connection, so it pays the round trips too.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export interface LatencyProxy {
  port: number;
  close(): Promise<void>;
}

export async function startLatencyProxy(address: string, targetPort: number, roundTripMs: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, address);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    relayLater(client, upstream, roundTripMs / 2);
    relayLater(upstream, client, roundTripMs / 2);
  });
  server.listen(0, address);
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Timers of one delay fire in the order they were set: the bytes keep their order. */
function relayLater(from: Socket, to: Socket, delayMs: number): void {
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
}
