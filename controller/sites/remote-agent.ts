// An agent on a host over SSH that outlives its SSH session: it runs
// detached (its own session, output to agent.log in the run folder), reaches
// the hub through a remote forward whose port it reads from a file, and is
// watched by a small shell loop that reports its exit code. When the link
// drops, the link re-dials; here the forward, the port file and the watcher
// are set up again, and the agent reconnects and resends what was not acked.
//
// One command per host starts it: the run folder's links, both files, the
// detached start and the first watch go in one exec, because every exec pays
// the user's shell start-up (a `.bashrc` that runs pyenv, nvm or conda costs
// half a second of CPU each time) on top of a round trip.
import { connect } from 'node:net';
import { posix } from 'node:path';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import { shellQuote } from '../../provisioning/probe.js';
import { HostError, type RemoteProcess, type SshConnection } from '../ssh/connection.js';
import type { AgentProcess } from './agent-process.js';
import { afterMarker, markerLine } from './shell-output.js';
import type { ConnectedHost } from './probe-hosts.js';
import { nodeCommandOf } from './remote-files.js';
import type { SshLink } from './ssh-link.js';

const FILES = { config: 'agent-config.json', url: 'controller.url', log: 'agent.log', pid: 'agent.pid', exit: 'agent.exit' };
const TAIL_LINES = 20;
/** What the start command prints once the agent runs, before it goes on to watch it. */
const STARTED = 'squall-agent-started';
/** What a watch prints before its answer. */
const WATCHED = 'squall-agent-watched';
/** A watch that ended without an answer on a live connection is started again, after 1 s, 2 s, 4 s, …, this many times. */
const WATCH_ATTEMPTS = 6;
/** With no pid file this long (polls of 0.5 s), the agent never started: the watch says it is gone. */
const NO_PID_POLLS = 20;

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
  const browserPath = host.browserPath ?? probe.chromiumPath;
  const remoteConfig: AgentConfigInput = {
    ...config,
    controllerUrl: hubUrl(remotePort),
    controllerUrlFile: inRun(FILES.url),
    scenarioPath: inRun('scenario.mjs'),
    ...(browserPath ? { browserPath } : {}),
  };
  const writeUrl = (port: number) => writeFileCommand(inRun(FILES.url), `printf '%s\\n' ${shellQuote(hubUrl(port))}`);
  const start = (configFrom: string) =>
    [
      ...(prelude ? [prelude] : []),
      writeUrl(remotePort),
      // The secrets come over the channel, into a file only this user can read; the agent removes it at once.
      writeFileCommand(inRun(FILES.config), `cat ${configFrom}`),
      startDetachedCommand(connected, runDir),
      markerLine(STARTED),
    ].join(' && ');
  // Once started, the shell becomes the watcher: its command line then names the agent's files but not the agent.
  const command = (configFrom: string) => `{ ${start(configFrom)}; } && exec sh -c ${shellQuote(watchScript(runDir))}`;
  const starter = await startOver(connected, first, command, JSON.stringify(remoteConfig));
  await untilStarted(starter, host.name);
  link.onRedial(async (connection) => {
    const port = await forwardToHub(connection, hubPort);
    const written = await connection.run(writeUrl(port));
    if (written.code !== 0) throw new HostError(connection.host.name, 'start', `cannot write ${inRun(FILES.url)}: ${written.stderr.trim()}`);
  });
  const watcher = watchExit(link, first, runDir, starter);
  let gone = false;
  void watcher.exited.then(() => (gone = true));
  return {
    host: host.name,
    exited: watcher.exited,
    logTail: watcher.tail,
    // SIGTERM: the agent's exit hook takes its Chromium with it; cleanup kills whatever is left.
    kill: () => {
      if (gone) return true;
      const connection = link.connection;
      void connection?.run(`kill -TERM "$(cat ${shellQuote(inRun(FILES.pid))})" 2>/dev/null; true`).catch(() => {});
      return connection !== undefined;
    },
  };
}

/** The start: in the probe's shell where it is still held on this connection (no login shell more), else a command of its own. */
async function startOver(connected: ConnectedHost, connection: SshConnection, command: (configFrom: string) => string, config: string): Promise<RemoteProcess> {
  const held = connected.shell;
  connected.shell = undefined;
  if (held?.usable && held.connection === connection) return held.runLast(command, config);
  held?.close();
  const starter = await connection.exec(command(''));
  starter.channel.end(config);
  return starter;
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

/** A command that writes what `producer` prints to `path`, readable by this user only; whole or not at all (a reader never sees half). */
function writeFileCommand(path: string, producer: string): string {
  const partial = shellQuote(`${path}.partial`);
  return `( umask 077 && ${producer} > ${partial} ) && mv -f ${partial} ${shellQuote(path)}`;
}

/**
 * Starts the agent in a session of its own (setsid), so the SSH session's end
 * does not end it; a shell around it writes its pid and then its exit code
 * for the watcher. TMPDIR inside the run folder puts Chromium's profile there
 * too, so cleanup finds every process of the run by that path.
 */
function startDetachedCommand(connected: ConnectedHost, runDir: string): string {
  const q = (name: string) => shellQuote(posix.join(runDir, name));
  const agent = `${shellQuote(nodeCommandOf(connected))} ${q('agent.mjs')} --config ${q(FILES.config)}`;
  // Each file whole or not at all: the watcher may look at any moment.
  const wrapper = `${agent} & echo $! > ${q(`${FILES.pid}.partial`)}; mv ${q(`${FILES.pid}.partial`)} ${q(FILES.pid)}; wait $!; echo $? > ${q(`${FILES.exit}.partial`)}; mv ${q(`${FILES.exit}.partial`)} ${q(FILES.exit)}`;
  // Only the agent goes to the background, its output all in the log.
  return `cd ${shellQuote(runDir)} && { TMPDIR=${shellQuote(runDir)} setsid sh -c ${shellQuote(wrapper)} < /dev/null > ${q(FILES.log)} 2>&1 & }`;
}

/** Resolves once the start command says the agent runs; rejects with what the host said if it ends before that. */
function untilStarted(starter: RemoteProcess, host: string): Promise<void> {
  const said = () => afterMarker(starter.stdout(), STARTED) !== undefined;
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (!said()) return;
      starter.channel.off('data', onData);
      resolve();
    };
    starter.channel.on('data', onData);
    void starter.exited.then(() => {
      if (said()) return resolve();
      reject(new HostError(host, 'start', `cannot start the agent: ${starter.stderr().trim() || 'the start command ended without starting it'}`));
    });
  });
}

/**
 * Waits on the host until the agent has exited (its code written) or is gone
 * (killed with its wrapper, its run folder removed, or never started), then
 * prints the code (or "gone") and the log's tail.
 */
function watchScript(runDir: string): string {
  const q = (name: string) => shellQuote(posix.join(runDir, name));
  const alive = `{ [ ! -e ${q(FILES.pid)} ] || kill -0 "$(cat ${q(FILES.pid)})" 2>/dev/null; }`;
  const started = `{ [ -e ${q(FILES.pid)} ] || [ "$n" -lt ${NO_PID_POLLS} ]; }`;
  return [
    'n=0',
    `while [ -d ${shellQuote(runDir)} ] && [ ! -e ${q(FILES.exit)} ] && ${started} && ${alive}; do n=$((n + 1)); sleep 0.5; done`,
    // The wrapper writes the code a moment after its agent ends.
    `[ -e ${q(FILES.exit)} ] || sleep 0.5`,
    markerLine(WATCHED),
    `if [ -e ${q(FILES.exit)} ]; then cat ${q(FILES.exit)}; else echo gone; fi`,
    `tail -n ${TAIL_LINES} ${q(FILES.log)} 2>/dev/null`,
  ].join('; ');
}

/**
 * The agent's exit as a watch reports it: the start command's own, then a new
 * watch after every re-dial, or, with backoff, when a watch ends without an
 * answer or cannot be started while the connection stays up (its shell was
 * killed), until one of them knows.
 */
function watchExit(link: SshLink, first: SshConnection, runDir: string, starter: RemoteProcess): { exited: AgentProcess['exited']; tail: () => string[] } {
  let tail: string[] = [];
  let known = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    const answered = async (watcher: RemoteProcess): Promise<boolean> => {
      await watcher.exited;
      const [answer, ...lines] = (afterMarker(watcher.stdout(), WATCHED) ?? '').split('\n');
      if (!/^(\d+|gone)$/.test(answer ?? '')) return false;
      known = true;
      tail = lines.filter(Boolean);
      resolve({ code: answer === 'gone' ? null : Number(answer), signal: null });
      return true;
    };
    /** Watches on `connection` while it is the link's, until a watch answers or the attempts run out; a re-dial starts anew. */
    const watchOn = async (connection: SshConnection, firstWatch?: RemoteProcess): Promise<void> => {
      for (let attempt = 0; attempt < WATCH_ATTEMPTS && !known && link.connection === connection; attempt += 1) {
        if (attempt > 0) await new Promise((again) => setTimeout(again, 1000 * 2 ** (attempt - 1)));
        if (known || link.connection !== connection) return;
        const watcher = attempt === 0 && firstWatch ? firstWatch : await connection.exec(watchScript(runDir)).catch(() => undefined);
        if (!watcher) continue;
        if (watcher !== firstWatch) watcher.channel.end();
        if (await answered(watcher)) return;
      }
    };
    void watchOn(first, starter);
    link.onRedial(async (connection) => {
      if (!known) void watchOn(connection);
    });
  });
  return { exited, tail: () => tail };
}
