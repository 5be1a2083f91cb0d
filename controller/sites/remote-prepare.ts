// Before a distributed run: read the inventory, connect to and probe every
// host in parallel, drop (or refuse to run with) unusable hosts, and upload
// the bundles. Everything that can fail fails here, before any load starts.
import type { Io } from '../../src/io.js';
import { InputError, RunFailure } from '../../src/errors.js';
import { problemsPrepareLeaves } from '../../provisioning/probe.js';
import { counted, formatSeconds } from '../format.js';
import { prepareConnected } from '../prepare/prepare-hosts.js';
import type { PrepareSettings } from '../prepare/prepare-host.js';
import { HostError } from '../ssh/connection.js';
import { mapBounded } from './bounded.js';
import { inventoryOf, probeHosts, type ConnectedHost } from './probe-hosts.js';
import { remoteSite } from './remote.js';
import { cacheNameOf, runDirOf, uploadRunFiles } from './remote-files.js';
import type { AgentSite, SiteFile } from './site.js';

export interface RemoteRequest {
  hostsFile: string;
  acceptNewHostKeys: boolean;
  minHosts?: number;
  runId: string;
  files: SiteFile[];
  /** how hosts that lack Node.js or Chromium are prepared; false: they are unusable */
  prepare: PrepareSettings | false;
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

/** Uploads at once: over connections already open, so no handshake limit applies; the uplink is shared either way. */
const UPLOAD_CONCURRENCY = 32;

export async function prepareRemoteSites(request: RemoteRequest, io: Io): Promise<PreparedRemote> {
  const hosts = await inventoryOf(request.hostsFile, io);
  if (request.minHosts !== undefined && request.minHosts > hosts.length) {
    throw new InputError(`--min-hosts ${request.minHosts}: ${request.hostsFile} lists only ${hosts.length} hosts`);
  }
  const started = Date.now();
  io.err(`connecting to ${counted(hosts.length, 'host')}\n`);
  const { prepare } = request;
  // A host that lacks only what prepare installs stays connected, to be prepared.
  const cacheLooks = request.files.map((file) => ({ cacheName: cacheNameOf(file), size: file.size }));
  const results = await probeHosts(hosts, { acceptNewHostKeys: request.acceptNewHostKeys, env: io.env, cacheLooks, holdShell: true }, (problems, probe, host) =>
    problems.length === 0 || (prepare !== false && problemsPrepareLeaves(probe, host.browserPath).length === 0),
  );
  const usable: ConnectedHost[] = [];
  const toPrepare: ConnectedHost[] = [];
  const failures: HostError[] = [];
  for (const result of results) {
    if ('error' in result) failures.push(result.error);
    else if (result.connected && result.problems.length === 0) usable.push(result.connected);
    else if (result.connected) toPrepare.push(result.connected);
    else failures.push(new HostError(result.host.name, 'probe', result.problems.join('; ')));
  }
  if (toPrepare.length > 0 && prepare !== false) {
    io.err(`preparing ${counted(toPrepare.length, 'host')} that lack${toPrepare.length === 1 ? 's' : ''} Node.js or Chromium (--no-prepare: refuse them instead)\n`);
    for (const { connected, row } of await prepareConnected(toPrepare, prepare, io)) {
      if (row.problems.length === 0) {
        io.err(`${row.name}: node ${row.node}; chromium ${row.chromium} (${formatSeconds(row.tookMs)})\n`);
        for (const note of row.notes) io.err(`${row.name}: ${note}\n`);
        usable.push(connected);
      } else {
        connected.connection.close();
        failures.push(new HostError(row.name, 'probe', row.problems.join('; ')));
      }
    }
  }
  const connectMs = Date.now() - started;
  for (const failure of failures) io.err(`unusable host ${failure.message}\n`);
  if (failures.length > 0) {
    const needed = request.minHosts ?? hosts.length;
    if (usable.length < needed || usable.length === 0) {
      closeAll(usable);
      const hint = request.minHosts === undefined ? '; fix them, or pass --min-hosts to run on the rest' : '';
      throw new InputError(`${failures.length} of ${hosts.length} hosts cannot run an agent${hint}`);
    }
    io.err(`going on with ${usable.length} of ${hosts.length} hosts (--min-hosts ${needed})\n`);
  }
  const uploadStarted = Date.now();
  let summaries;
  try {
    summaries = await mapBounded(usable, UPLOAD_CONCURRENCY, (connected) =>
      uploadRunFiles(connected, request.files, runDirOf(connected, request.runId, connected.host.name), { intoStart: true }),
    );
  } catch (error) {
    closeAll(usable);
    throw error instanceof HostError ? new RunFailure(error.message) : error;
  }
  return {
    sites: usable.map((connected, i) => remoteSite(connected, summaries[i]!.runDir, connected.host.name, summaries[i]!.prelude)),
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
