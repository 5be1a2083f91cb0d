// Agents on bring-your-own hosts over SSH: connect and probe every host,
// upload the agent and scenario bundles by content hash, start the agent with
// its configuration on stdin, and reach the hub through a remote forward on
// the host's loopback. Cleanup kills whatever of the run is left and removes
// the run folder.
import { connect } from 'node:net';
import { posix } from 'node:path';
import type { ResolvedHost } from '../../src/protocol/hosts.js';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import { parseProbe, probeProblems, probeScript, shellQuote, type HostProbe } from '../../provisioning/probe.js';
import { HostError, SshConnection } from '../ssh/connection.js';
import { uploadByHash } from '../ssh/upload.js';
import type { AgentProcess } from './agent-process.js';
import type { AgentSite } from './site.js';

export interface ConnectedHost {
  host: ResolvedHost;
  connection: SshConnection;
  probe: HostProbe;
}

export interface LocalFile {
  /** name in the run folder, e.g. agent.mjs */
  name: string;
  path: string;
  hash: string;
  size: number;
}

export interface UploadSummary {
  runDir: string;
  uploaded: number;
  skipped: number;
  bytes: number;
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Connects and asks what the host has; any failure comes out as a HostError naming its stage. */
export async function connectAndProbe(
  host: ResolvedHost,
  options: { acceptNewHostKeys: boolean; env?: Readonly<Record<string, string | undefined>> },
): Promise<ConnectedHost> {
  const asHostError = (error: unknown) => (error instanceof HostError ? error : new HostError(host.name, 'connect', error instanceof Error ? error.message : String(error)));
  const connection = await SshConnection.open(host, options).catch((error: unknown) => {
    throw asHostError(error);
  });
  try {
    const result = await connection.run(probeScript(shellQuote(host.node), host.browserPath));
    if (result.code !== 0 && !result.stdout) throw new HostError(host.name, 'probe', `the probe failed: ${result.stderr.trim()}`);
    return { host, connection, probe: parseProbe(result.stdout) };
  } catch (error) {
    connection.close();
    throw asHostError(error);
  }
}

function absoluteWorkDir(host: ConnectedHost): string {
  const dir = host.host.workDir.replace(/^~\/?/, '');
  return posix.isAbsolute(dir) ? dir : posix.join(host.probe.home, dir);
}

/** A regex that finds the run's processes but not the shell that runs pkill. */
function processPattern(runDir: string): string {
  const escaped = runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `[${escaped[0]}]${escaped.slice(1)}`;
}

export async function uploadRunFiles(connected: ConnectedHost, files: readonly LocalFile[], runId: string, agentId: string): Promise<UploadSummary> {
  const workDir = absoluteWorkDir(connected);
  const cacheDir = posix.join(workDir, 'cache');
  const runDir = posix.join(workDir, 'runs', `${runId}-${agentId.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  const mkdir = await connected.connection.run(`mkdir -p ${shellQuote(cacheDir)} ${shellQuote(runDir)}`);
  if (mkdir.code !== 0) throw new HostError(connected.host.name, 'upload', `cannot create ${runDir}: ${mkdir.stderr.trim()}`);
  const sftp = await connected.connection.sftp();
  const summary: UploadSummary = { runDir, uploaded: 0, skipped: 0, bytes: 0 };
  try {
    const links: string[] = [];
    for (const file of files) {
      const cached = await uploadByHash(connected.host.name, sftp, file.path, file.size, cacheDir, `${file.hash}-${file.name}`);
      if (cached.skipped) summary.skipped += 1;
      else summary.uploaded += 1;
      summary.bytes += cached.bytes;
      links.push(`ln -sf ${shellQuote(cached.remotePath)} ${shellQuote(posix.join(runDir, file.name))}`);
    }
    const linked = await connected.connection.run(links.join(' && '));
    if (linked.code !== 0) throw new HostError(connected.host.name, 'upload', `cannot link files in ${runDir}: ${linked.stderr.trim()}`);
  } finally {
    sftp.end();
  }
  return summary;
}

export function remoteSite(connected: ConnectedHost, upload: UploadSummary, agentId: string): AgentSite {
  const { connection, host, probe } = connected;
  const { runDir } = upload;
  return {
    id: agentId,
    host: host.name,
    weight: host.weight,
    ...(host.maxVus !== undefined ? { maxVus: host.maxVus } : {}),
    start: async (config: AgentConfigInput): Promise<AgentProcess> => {
      const hubPort = Number(new URL(config.controllerUrl).port);
      const remotePort = await connection.forwardRemote((stream) => {
        const socket = connect(hubPort, '127.0.0.1');
        stream.pipe(socket).pipe(stream);
        socket.on('error', () => stream.close());
        stream.on('error', () => socket.destroy());
        stream.on('close', () => socket.destroy());
      });
      // TMPDIR inside the run folder puts Chromium's profile there too, so
      // cleanup can find every process of the run by that path.
      const command = `cd ${shellQuote(runDir)} && TMPDIR=${shellQuote(runDir)} exec ${shellQuote(host.node)} ${shellQuote(posix.join(runDir, 'agent.mjs'))}`;
      const agent = await connection.exec(command);
      const remoteConfig: AgentConfigInput = {
        ...config,
        controllerUrl: `ws://127.0.0.1:${remotePort}/agent`,
        scenarioPath: posix.join(runDir, 'scenario.mjs'),
        ...((host.browserPath ?? probe.chromiumPath) ? { browserPath: host.browserPath ?? probe.chromiumPath } : {}),
      };
      agent.channel.write(JSON.stringify(remoteConfig) + '\n');
      return {
        host: host.name,
        exited: agent.exited,
        logTail: () => agent.stderr().split('\n').filter(Boolean).slice(-20),
        // Closing stdin tells the agent its controller is gone: it exits and Chromium with it.
        kill: () => agent.channel.close(),
      };
    },
    cleanup: async (): Promise<string[]> => {
      const problems: string[] = [];
      const pattern = shellQuote(processPattern(runDir));
      let cleaner = connection;
      try {
        if (!connection.isOpen) {
          // The run's connection dropped (a lost host): come back to clean up.
          cleaner = await SshConnection.open(host, { acceptNewHostKeys: false });
        }
        // Two commands: the one that kills must not hold the plain path in its
        // own command line, or pkill would match it and kill itself.
        const killed = await cleaner.run(
          `pkill -KILL -f ${pattern}; for i in 1 2 3 4 5 6 7 8 9 10; do pgrep -f ${pattern} >/dev/null || break; sleep 0.2; done; pgrep -af ${pattern}; true`,
        );
        const removed = await cleaner.run(`rm -rf ${shellQuote(runDir)}; [ -e ${shellQuote(runDir)} ] && echo "folder ${runDir}"; true`);
        const left = [killed.stdout.trim(), removed.stdout.trim()].filter(Boolean).join('\n');
        if (left) problems.push(`${host.name}: still there after cleanup: ${left.split('\n').join('; ')}`);
      } catch (error) {
        problems.push(`${host.name}: cleanup failed: ${(error as Error).message}`);
      } finally {
        connection.close();
        cleaner.close();
      }
      return problems;
    },
  };
}
