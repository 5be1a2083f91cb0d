// `squall hosts prepare`, and the same step inside `run --hosts`: every host
// of an inventory, 8 at a time (at most 8 per sshd), made ready by prepareHost, with a progress
// line per host and a row per host at the end.
import type { Io } from '../../src/io.js';
import type { ResolvedHost } from '../../src/protocol/hosts.js';
import { HostError } from '../ssh/connection.js';
import { mapBounded } from '../sites/bounded.js';
import { CONNECT_CONCURRENCY, connectAndProbe, mapConnecting, type ConnectedHost } from '../sites/probe-hosts.js';
import { prepareHost, type HostPrepared, type PrepareSettings } from './prepare-host.js';
import { PrepareProgressView } from './progress.js';

/** A host's line in the table: what it got, without its connection. */
export type PrepareRow = Omit<HostPrepared, 'connected'> & { name: string };

function rowOf(name: string, { connected: _connected, ...prepared }: HostPrepared): PrepareRow {
  return { name, ...prepared };
}

function failedRow(name: string, error: unknown, startedAt: number): PrepareRow {
  const reason = error instanceof HostError ? error.reason : error instanceof Error ? error.message : String(error);
  return { name, node: '-', chromium: '-', bytesSent: 0, tookMs: Date.now() - startedAt, changed: false, problems: [reason], notes: [] };
}

/** Connects to each host, prepares it and closes the connection again. */
export async function prepareInventory(hosts: readonly ResolvedHost[], options: { acceptNewHostKeys: boolean; settings: PrepareSettings }, io: Io): Promise<PrepareRow[]> {
  const view = new PrepareProgressView(io, hosts.map((h) => h.name));
  try {
    // 8 prepares at once in all, as before: one may send this machine's node (about 100 MB) over the uplink.
    return await mapConnecting(
      hosts,
      async (host) => {
      const startedAt = Date.now();
      view.update(host.name, 'connecting');
      let connected: ConnectedHost | undefined;
      try {
        connected = await connectAndProbe(host, { acceptNewHostKeys: options.acceptNewHostKeys, env: io.env });
        const prepared = await prepareHost(connected, options.settings, (stage, fraction) => view.update(host.name, stage, fraction));
        view.update(host.name, prepared.problems.length > 0 ? 'NOT READY' : prepared.changed ? 'ready' : 'ready (nothing to do)');
        return rowOf(host.name, prepared);
      } catch (error) {
        view.update(host.name, 'FAILED');
        return failedRow(host.name, error, startedAt);
      } finally {
        connected?.connection.close();
      }
      },
      CONNECT_CONCURRENCY,
    );
  } finally {
    view.finish();
  }
}

/** For `run --hosts`: prepares hosts already connected, keeping their connections; each comes back with its new probe. */
export async function prepareConnected(
  hosts: readonly ConnectedHost[],
  settings: PrepareSettings,
  io: Io,
): Promise<Array<{ connected: ConnectedHost; row: PrepareRow }>> {
  const view = new PrepareProgressView(io, hosts.map((h) => h.host.name));
  try {
    return await mapBounded(hosts, CONNECT_CONCURRENCY, async (connected) => {
      const startedAt = Date.now();
      try {
        const prepared = await prepareHost(connected, settings, (stage, fraction) => view.update(connected.host.name, stage, fraction));
        view.update(connected.host.name, prepared.problems.length > 0 ? 'NOT READY' : 'ready');
        return { connected: prepared.connected, row: rowOf(connected.host.name, prepared) };
      } catch (error) {
        view.update(connected.host.name, 'FAILED');
        return { connected, row: failedRow(connected.host.name, error, startedAt) };
      }
    });
  } finally {
    view.finish();
  }
}
