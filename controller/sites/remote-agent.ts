// An agent on a host over SSH that outlives its SSH session: it runs
// detached (its own session, output to agent.log in the run folder), reaches
// the hub through a remote forward whose port it reads from a file, and is
// watched by a small shell loop that reports its exit code. When the link
// drops, the link re-dials; here the forward, the port file and the watcher
// are set up again, and the agent reconnects and resends what was not acked.
import { connect } from 'node:net';
import { posix } from 'node:path';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import { shellQuote } from '../../provisioning/probe.js';
import { HostError, type SshConnection } from '../ssh/connection.js';
import type { AgentProcess } from './agent-process.js';
import type { ConnectedHost } from './probe-hosts.js';
import { nodeCommandOf } from './remote-files.js';
import type { SshLink } from './ssh-link.js';

const FILES = { config: 'agent-config.json', url: 'controller.url', log: 'agent.log', pid: 'agent.pid', exit: 'agent.exit' };
const TAIL_LINES = 20;

/** A regex that finds `path` in a process's command line but not in that of the shell that runs pkill. */
export function processPattern(path: string): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `[${escaped[0]}]${escaped.slice(1)}`;
}

export async function startRemoteAgent(connected: ConnectedHost, link: SshLink, runDir: string, config: AgentConfigInput, prelude?: string): Promise<AgentProcess> {
  const { host, probe } = connected;
  const hubPort = Number(new URL(config.controllerUrl).port);
  const first = link.connection;
  if (!first) throw new HostError(host.name, 'start', 'the SSH connection is down');
  const remotePort = await forwardToHub(first, hubPort);
  const inRun = (name: string) => posix.join(runDir, name);
  await writeRemoteFile(first, inRun(FILES.url), hubUrl(remotePort), prelude);
  const browserPath = host.browserPath ?? probe.chromiumPath;
  const remoteConfig: AgentConfigInput = {
    ...config,
    controllerUrl: hubUrl(remotePort),
    controllerUrlFile: inRun(FILES.url),
    scenarioPath: inRun('scenario.mjs'),
    ...(browserPath ? { browserPath } : {}),
  };
  // The secrets go in a file only this user can read, over the channel; the agent removes it at once.
  await writeRemoteFile(first, inRun(FILES.config), JSON.stringify(remoteConfig));
  await startDetached(first, connected, runDir);
  link.onRedial(async (connection) => {
    const port = await forwardToHub(connection, hubPort);
    await writeRemoteFile(connection, inRun(FILES.url), hubUrl(port));
  });
  const watcher = watchExit(link, runDir);
  return {
    host: host.name,
    exited: watcher.exited,
    logTail: watcher.tail,
    // SIGTERM: the agent's exit hook takes its Chromium with it; cleanup kills whatever is left.
    kill: () => void link.connection?.run(`kill -TERM "$(cat ${shellQuote(inRun(FILES.pid))})" 2>/dev/null; true`).catch(() => {}),
  };
}

function hubUrl(port: number): string {
  return `ws://127.0.0.1:${port}/agent`;
}

/** Listens on the host's loopback; every connection made there is piped to the hub on this machine. */
function forwardToHub(connection: SshConnection, hubPort: number): Promise<number> {
  return connection.forwardRemote((stream) => {
    const socket = connect(hubPort, '127.0.0.1');
    stream.pipe(socket).pipe(stream);
    socket.on('error', () => stream.close());
    stream.on('error', () => socket.destroy());
    stream.on('close', () => socket.destroy());
  });
}

/** Writes `content` to `path` on the host through the channel's stdin, readable by this user only; whole or not at all (a reader never sees half). */
async function writeRemoteFile(connection: SshConnection, path: string, content: string, prelude?: string): Promise<void> {
  const partial = shellQuote(`${path}.partial`);
  const writer = await connection.exec(`${prelude ? `${prelude} && ` : ''}umask 077 && cat > ${partial} && mv -f ${partial} ${shellQuote(path)}`);
  writer.channel.end(content);
  const { code } = await writer.exited;
  if (code !== 0) throw new HostError(connection.host.name, 'start', `cannot write ${path}: ${writer.stderr().trim()}`);
}

/**
 * Starts the agent in a session of its own (setsid), so the SSH session's end
 * does not end it; a shell around it writes its pid and then its exit code
 * for the watcher. TMPDIR inside the run folder puts Chromium's profile there
 * too, so cleanup finds every process of the run by that path.
 */
async function startDetached(connection: SshConnection, connected: ConnectedHost, runDir: string): Promise<void> {
  const q = (name: string) => shellQuote(posix.join(runDir, name));
  const agent = `${shellQuote(nodeCommandOf(connected))} ${q('agent.mjs')} --config ${q(FILES.config)}`;
  // Each file whole or not at all: the watcher may look at any moment.
  const wrapper = `${agent} & echo $! > ${q(`${FILES.pid}.partial`)}; mv ${q(`${FILES.pid}.partial`)} ${q(FILES.pid)}; wait $!; echo $? > ${q(`${FILES.exit}.partial`)}; mv ${q(`${FILES.exit}.partial`)} ${q(FILES.exit)}`;
  const started = await connection.run(
    // Only the agent goes to the background, its output all in the log: the channel closes at once.
    `cd ${shellQuote(runDir)} && { TMPDIR=${shellQuote(runDir)} setsid sh -c ${shellQuote(wrapper)} < /dev/null > ${q(FILES.log)} 2>&1 & }`,
  );
  if (started.code !== 0) throw new HostError(connection.host.name, 'start', `cannot start the agent: ${started.stderr.trim()}`);
}

/**
 * Waits on the host until the agent has exited (its code written) or is gone
 * (killed with its wrapper), and comes back after every re-dial until it knows.
 */
function watchExit(link: SshLink, runDir: string): { exited: AgentProcess['exited']; tail: () => string[] } {
  let tail: string[] = [];
  const q = (name: string) => shellQuote(posix.join(runDir, name));
  const alive = `{ [ ! -e ${q(FILES.pid)} ] || kill -0 "$(cat ${q(FILES.pid)})" 2>/dev/null; }`;
  const script = [
    `while [ ! -e ${q(FILES.exit)} ] && ${alive}; do sleep 0.5; done`,
    // The wrapper writes the code a moment after its agent ends.
    `[ -e ${q(FILES.exit)} ] || sleep 0.5`,
    `if [ -e ${q(FILES.exit)} ]; then cat ${q(FILES.exit)}; else echo gone; fi`,
    `tail -n ${TAIL_LINES} ${q(FILES.log)}`,
  ].join('; ');
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    const watch = async (connection: SshConnection | undefined) => {
      // Down already: the re-dial will watch.
      if (!connection) return;
      const watcher = await connection.exec(script).catch(() => undefined);
      if (!watcher) return;
      watcher.channel.end();
      const { code } = await watcher.exited;
      const [exitCode, ...lines] = watcher.stdout().split('\n');
      // A watcher cut off by a dropped connection says nothing; the re-dial starts another.
      if (code !== 0 || !/^(\d+|gone)$/.test(exitCode ?? '')) return;
      tail = lines.filter(Boolean);
      resolve({ code: exitCode === 'gone' ? null : Number(exitCode), signal: null });
    };
    void watch(link.connection);
    link.onRedial(async (connection) => void watch(connection));
  });
  return { exited, tail: () => tail };
}
