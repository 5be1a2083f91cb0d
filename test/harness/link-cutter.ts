// A fault to inject between an agent and the hub: each wrapped site's agent
// reaches the hub through a TCP proxy of ours, which can cut every
// connection of that agent at once (what a NAT timeout or a flaky Wi-Fi
// does). The agent sees its socket close, reconnects through the same proxy
// and resends what was not acked.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AgentSite } from '../../controller/sites/site.js';

interface Proxy {
  server: Server;
  sockets: Set<Socket>;
}

export class LinkCutter {
  private readonly proxies = new Map<string, Proxy>();

  /** The same site, its agent's link to the hub passing through a proxy this cutter controls. */
  wrap(site: AgentSite): AgentSite {
    return {
      ...site,
      start: async (config, notice) => {
        const hub = new URL(config.controllerUrl);
        const port = await this.listen(site.id, Number(hub.port));
        hub.port = String(port);
        return site.start({ ...config, controllerUrl: hub.toString() }, notice);
      },
      cleanup: async () => {
        this.proxies.get(site.id)?.server.close();
        return site.cleanup();
      },
    };
  }

  /** Cuts every open connection of the agent; the proxy goes on accepting new ones. */
  cut(agentId: string): void {
    const proxy = this.proxies.get(agentId);
    if (!proxy) throw new Error(`no proxied agent ${agentId}`);
    for (const socket of proxy.sockets) socket.destroy();
    proxy.sockets.clear();
  }

  private async listen(agentId: string, hubPort: number): Promise<number> {
    const sockets = new Set<Socket>();
    const server = createServer((agentSide) => {
      const hubSide = connect(hubPort, '127.0.0.1');
      for (const socket of [agentSide, hubSide]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
      }
      agentSide.on('close', () => hubSide.destroy());
      hubSide.on('close', () => agentSide.destroy());
      agentSide.pipe(hubSide).pipe(agentSide);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.proxies.set(agentId, { server, sockets });
    return (server.address() as AddressInfo).port;
  }
}
