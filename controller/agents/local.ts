// The embedded default: one agent as a child process on this machine, talking
// to the hub over 127.0.0.1 with exactly the protocol remote agents use.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { UserError } from '../../src/errors.js';
import { AGENT_BUNDLE, PACKAGE_ROOT } from '../../src/paths.js';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import type { AgentProcess } from './agent-process.js';

const STDERR_TAIL_LINES = 20;

export function startLocalAgent(config: AgentConfigInput): AgentProcess {
  if (!existsSync(AGENT_BUNDLE)) {
    throw new UserError(`the agent bundle ${AGENT_BUNDLE} is missing; run "npm run build" in ${PACKAGE_ROOT}`);
  }
  // Its own process group: Ctrl-C in the terminal reaches the controller only,
  // which stops the agent gracefully over the protocol.
  const child = spawn(process.execPath, [AGENT_BUNDLE], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  const tail: string[] = [];
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    tail.push(...lines);
    tail.splice(0, Math.max(0, tail.length - STDERR_TAIL_LINES));
  });
  // The agent reads its configuration from stdin and treats EOF as "the controller is gone".
  child.stdin.on('error', () => {});
  child.stdin.write(JSON.stringify(config) + '\n');
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return {
    host: 'localhost',
    exited,
    logTail: () => [...tail, ...(partial ? [partial] : [])],
    kill: () => {
      child.stdin.end();
      child.kill('SIGTERM');
    },
  };
}
