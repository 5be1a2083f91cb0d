// Before a distributed run: read the inventory, connect to and probe every
// host in parallel, drop (or refuse to run with) unusable hosts, and upload
// the bundles. Everything that can fail fails here, before any load starts.
import type { Io } from '../../src/cli/io.js';
import { UserError } from '../../src/errors.js';
import { loadInventory } from '../../provisioning/inventory.js';
import { probeProblems } from '../../provisioning/probe.js';
import { HostError } from '../ssh/connection.js';
import { connectAndProbe, mapBounded, remoteSite, uploadRunFiles, type ConnectedHost, type LocalFile } from './remote.js';
import type { AgentSite } from './site.js';

/** SSH handshakes at once: enough for large fleets without tripping MaxStartups. */
export const CONNECT_CONCURRENCY = 8;

export interface RemoteRequest {
  hostsFile: string;
  acceptNewHostKeys: boolean;
  minHosts?: number;
  runId: string;
  files: LocalFile[];
}

export interface PreparedRemote {
  sites: AgentSite[];
  /** hosts left out under --min-hosts, with the reason */
  excluded: Array<{ name: string; error: string }>;
  connectMs: number;
  uploadMs: number;
  uploaded: number;
  skipped: number;
}

export async function prepareRemoteSites(request: RemoteRequest, io: Io): Promise<PreparedRemote> {
  const hosts = loadInventory(request.hostsFile, { cwd: io.cwd, ...(io.env.HOME ? { home: io.env.HOME } : {}) });
  if (request.minHosts !== undefined && request.minHosts > hosts.length) {
    throw new UserError(`--min-hosts ${request.minHosts}: ${request.hostsFile} lists only ${hosts.length} hosts`);
  }
  const started = Date.now();
  io.err(`connecting to ${hosts.length} host${hosts.length === 1 ? '' : 's'}\n`);
  const attempts = await mapBounded(hosts, CONNECT_CONCURRENCY, async (host) => {
    try {
      const connected = await connectAndProbe(host, { acceptNewHostKeys: request.acceptNewHostKeys, env: io.env });
      const problems = probeProblems(connected.probe, host.browserPath);
      if (problems.length === 0) return { connected };
      connected.connection.close();
      return { error: new HostError(host.name, 'probe', problems.join('; ')) };
    } catch (error) {
      return { error: error as HostError };
    }
  });
  const usable = attempts.flatMap((a) => (a.connected ? [a.connected] : []));
  const failures = attempts.flatMap((a) => (a.error ? [a.error] : []));
  const connectMs = Date.now() - started;
  for (const failure of failures) io.err(`unusable host ${failure.message}\n`);
  if (failures.length > 0) {
    const needed = request.minHosts ?? hosts.length;
    if (usable.length < needed || usable.length === 0) {
      closeAll(usable);
      const hint = request.minHosts === undefined ? '; fix them, or pass --min-hosts to run on the rest' : '';
      throw new UserError(`${failures.length} of ${hosts.length} hosts cannot run an agent${hint}`);
    }
    io.err(`going on with ${usable.length} of ${hosts.length} hosts (--min-hosts ${needed})\n`);
  }
  const uploadStarted = Date.now();
  let summaries;
  try {
    summaries = await mapBounded(usable, CONNECT_CONCURRENCY, (connected) =>
      uploadRunFiles(connected, request.files, request.runId, connected.host.name),
    );
  } catch (error) {
    closeAll(usable);
    throw error instanceof HostError ? new UserError(error.message, 3) : error;
  }
  return {
    sites: usable.map((connected, i) => remoteSite(connected, summaries[i]!, connected.host.name)),
    excluded: failures.map((failure) => ({ name: failure.host, error: failure.reason })),
    connectMs,
    uploadMs: Date.now() - uploadStarted,
    uploaded: summaries.reduce((sum, s) => sum + s.uploaded, 0),
    skipped: summaries.reduce((sum, s) => sum + s.skipped, 0),
  };
}

function closeAll(hosts: readonly ConnectedHost[]): void {
  for (const host of hosts) host.connection.close();
}
