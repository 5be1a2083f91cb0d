// Entry point of the agent bundle (dist/agent.mjs). A local agent is a child
// process of the controller, configured by one JSON line on its stdin; stdin
// closing means the controller is gone. A remote agent runs detached from its
// SSH session (`--config <file>`), so a dropped connection does not end it:
// its WebSocket heartbeat is its lifeline, and past its grace it stops.
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { VuWorkerInit } from './vu-worker-messages.js';

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

/** `--config <file>`: the file is read and removed at once, so the secrets in it do not outlive the start. */
function readConfigFile(path: string): string {
  const text = readFileSync(path, 'utf8');
  rmSync(path, { force: true });
  return text;
}

async function main(): Promise<number> {
  const configFile = process.argv.indexOf('--config');
  const text = configFile > 0 ? readConfigFile(process.argv[configFile + 1]!) : await readConfigLine();
  if (text === undefined) {
    log('no configuration on stdin');
    return 2;
  }
  const { AgentConfigSchema } = await import('../src/protocol/agent-config.js');
  const parsed = AgentConfigSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    log(`bad configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return 2;
  }
  if (configFile < 0) {
    // A local agent: the controller holds our stdin open for as long as it lives.
    process.stdin.resume();
    process.stdin.on('end', () => {
      log('controller closed stdin; stopping');
      process.exit(3);
    });
  }
  // Imported here, not at the top: each thread evaluates only its own role's modules (the bundle
  // wraps what is imported this way in lazy initialisers): a VU worker thread never sets up the
  // uplink, and the agent's thread sets up puppeteer only when it drives the lone VU worker itself.
  const { runAgent } = await import('./agent.js');
  const { killBrowserGroups } = await import('./browser-groups.js');
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
  void import('./vu-worker.js').then(({ runVuWorker }) => runVuWorker(parentPort!, workerData as VuWorkerInit));
} else {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      log(`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(3);
    },
  );
}
