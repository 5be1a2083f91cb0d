// The embedded default site: one agent as a child process on this machine,
// talking to the hub over 127.0.0.1 with exactly the protocol remote agents use.
import { createWriteStream } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { findBrowser } from '../../src/browser-path.js';
import { InputError } from '../../src/errors.js';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import { requireBuilt } from '../bundle.js';
import { AGENT_BUNDLE } from '../paths.js';
import type { AgentProcess } from './agent-process.js';
import { helperUrl } from './helper.js';
import type { AgentSite } from './site.js';

const STDERR_TAIL_LINES = 20;

export function localSite(browserPath?: string): AgentSite {
  const browser = findBrowser(browserPath);
  if ('error' in browser) throw new InputError(browser.error);
  const helpers: ChildProcess[] = [];
  return {
    id: 'local',
    host: 'localhost',
    weight: 1,
    // A message over loopback to an idle agent: a few milliseconds.
    startLeadMs: 250,
    start: async (config) => startLocalAgent({ ...config, browserPath: browser.path }),
    startHelper: async (file) => {
      const helper = spawnNode(file.path, 'pipe');
      helpers.push(helper.child);
      const output = { onData: (listener: (text: string) => void) => helper.child.stdout!.on('data', (d: Buffer) => listener(d.toString())) };
      return helperUrl(file.name, output, helper.exited, () => helper.tail().join('\n'));
    },
    // The agent is a child process: once it exited, nothing of it is left. Helpers end with the site.
    cleanup: async () => {
      for (const helper of helpers) helper.kill('SIGKILL');
      return [];
    },
  };
}

export function startLocalAgent(config: AgentConfigInput): AgentProcess {
  requireBuilt(AGENT_BUNDLE, 'agent bundle');
  const { child, exited, tail } = spawnNode(AGENT_BUNDLE, 'ignore');
  // The agent reads its configuration from stdin and treats EOF as "the controller is gone".
  child.stdin!.on('error', () => {});
  child.stdin!.write(JSON.stringify(config) + '\n');
  return {
    host: 'localhost',
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    exited,
    logTail: tail,
    kill: () => {
      child.stdin!.end();
      child.kill('SIGTERM');
      return true;
    },
  };
}

/**
 * A Node.js child in its own process group: Ctrl-C in the terminal reaches
 * the controller only, which stops agents gracefully over the protocol.
 */
function spawnNode(script: string, stdout: 'pipe' | 'ignore'): { child: ChildProcess; exited: AgentProcess['exited']; tail: () => string[] } {
  const child = spawn(process.execPath, [script], { stdio: ['pipe', stdout, 'pipe'], detached: true });
  const tail: string[] = [];
  let partial = '';
  child.stderr!.setEncoding('utf8');
  // SQUALL_AGENT_LOG=<file>: the local agent's whole stderr there too (with DEBUG=puppeteer:protocol:* a CDP trace).
  const log = process.env.SQUALL_AGENT_LOG ? createWriteStream(process.env.SQUALL_AGENT_LOG, { flags: 'a' }) : undefined;
  log?.on('error', () => {});
  if (log) child.stderr!.pipe(log);
  child.stderr!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    tail.push(...lines);
    tail.splice(0, Math.max(0, tail.length - STDERR_TAIL_LINES));
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return { child, exited, tail: () => [...tail, ...(partial ? [partial] : [])] };
}
