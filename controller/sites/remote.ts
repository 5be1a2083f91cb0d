// An agent on a bring-your-own host over SSH: started with its configuration
// on stdin, reaching the hub through a remote forward on the host's loopback.
// Cleanup kills whatever of the run is left and removes the run folder.
import { connect } from 'node:net';
import { posix } from 'node:path';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import { shellQuote } from '../../provisioning/probe.js';
import { SshConnection } from '../ssh/connection.js';
import type { AgentProcess } from './agent-process.js';
import { helperUrl } from './helper.js';
import type { ConnectedHost } from './probe-hosts.js';
import { uploadRunFiles } from './remote-files.js';
import type { AgentSite, SiteFile } from './site.js';

export function remoteSite(connected: ConnectedHost, runDir: string, agentId: string): AgentSite {
  const { host } = connected;
  return {
    id: agentId,
    host: host.name,
    weight: host.weight,
    ...(host.maxVus !== undefined ? { maxVus: host.maxVus } : {}),
    start: (config) => startRemoteAgent(connected, runDir, config),
    startHelper: (file) => startRemoteHelper(connected, runDir, file),
    cleanup: () => cleanUpRemote(connected, runDir),
  };
}

/** The command line of a Node.js program in the run folder. TMPDIR there puts Chromium's profile there too, so cleanup finds every process of the run by that path. */
function nodeCommand(connected: ConnectedHost, runDir: string, file: string): string {
  return `cd ${shellQuote(runDir)} && TMPDIR=${shellQuote(runDir)} exec ${shellQuote(connected.host.node)} ${shellQuote(posix.join(runDir, file))}`;
}

async function startRemoteAgent(connected: ConnectedHost, runDir: string, config: AgentConfigInput): Promise<AgentProcess> {
  const { connection, host, probe } = connected;
  const hubPort = Number(new URL(config.controllerUrl).port);
  const remotePort = await connection.forwardRemote((stream) => {
    const socket = connect(hubPort, '127.0.0.1');
    stream.pipe(socket).pipe(stream);
    socket.on('error', () => stream.close());
    stream.on('error', () => socket.destroy());
    stream.on('close', () => socket.destroy());
  });
  const agent = await connection.exec(nodeCommand(connected, runDir, 'agent.mjs'));
  const browserPath = host.browserPath ?? probe.chromiumPath;
  const remoteConfig: AgentConfigInput = {
    ...config,
    controllerUrl: `ws://127.0.0.1:${remotePort}/agent`,
    scenarioPath: posix.join(runDir, 'scenario.mjs'),
    ...(browserPath ? { browserPath } : {}),
  };
  agent.channel.write(JSON.stringify(remoteConfig) + '\n');
  return {
    host: host.name,
    exited: agent.exited,
    logTail: () => agent.stderr().split('\n').filter(Boolean).slice(-20),
    // Closing stdin tells the agent its controller is gone: it exits and Chromium with it.
    kill: () => agent.channel.close(),
  };
}

async function startRemoteHelper(connected: ConnectedHost, runDir: string, file: SiteFile): Promise<string> {
  await uploadRunFiles(connected, [file], runDir);
  const helper = await connected.connection.exec(nodeCommand(connected, runDir, file.name));
  const output = { onData: (listener: (text: string) => void) => helper.channel.on('data', (data: Buffer) => listener(data.toString())) };
  return helperUrl(`${connected.host.name}: ${file.name}`, output, helper.exited, helper.stderr);
}

/** A regex that finds the run's processes but not the shell that runs pkill. */
function processPattern(runDir: string): string {
  const escaped = runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `[${escaped[0]}]${escaped.slice(1)}`;
}

async function cleanUpRemote(connected: ConnectedHost, runDir: string): Promise<string[]> {
  const { connection, host } = connected;
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
}
