// Entry point of the agent bundle (dist/agent.mjs). The controller starts it
// (as a child process, or over SSH) and writes one JSON line of AgentConfig on
// its stdin; stdin closing means the controller is gone.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';
import { AgentConfigSchema } from '../src/protocol/agent-config.js';
import { runAgent } from './agent.js';
import { killBrowserGroups } from './browser-groups.js';
import { runVuWorker } from './vu-worker.js';

function log(line: string): void {
  process.stderr.write(`[agent ${new Date().toISOString()}] ${line}\n`);
}

async function readConfigLine(): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() !== '') {
      lines.close();
      return line;
    }
  }
  return undefined;
}

async function main(): Promise<number> {
  const line = await readConfigLine();
  if (line === undefined) {
    log('no configuration on stdin');
    return 2;
  }
  const parsed = AgentConfigSchema.safeParse(JSON.parse(line));
  if (!parsed.success) {
    log(`bad configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return 2;
  }
  // The controller holds our stdin open for as long as it lives.
  process.stdin.resume();
  process.stdin.on('end', () => {
    log('controller closed stdin; stopping');
    process.exit(3);
  });
  process.on('exit', killBrowserGroups);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      log(`${signal}; stopping`);
      process.exit(3);
    });
  }
  const exit = await runAgent(parsed.data, fileURLToPath(import.meta.url), log);
  log(`exit ${exit.code}: ${exit.reason}`);
  return exit.code;
}

// The same bundle runs as the agent and as each of its VU worker threads.
if (!isMainThread && (workerData as { role?: string } | null)?.role === 'vu-worker') {
  void runVuWorker();
} else {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      log(`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(3);
    },
  );
}
