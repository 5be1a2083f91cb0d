// The controller side of the ingest benchmark, in its own process so its CPU
// and memory are its own: the real hub, run session and SQLite store, with
// simulated agents registered. Prints {"port": n} when listening; answers
// "stats" on stdin with its CPU time and peak RSS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AgentHub } from '../../controller/hub/hub.js';
import { RunSession } from '../../controller/run/session.js';
import { RunStore } from '../../controller/store/store.js';
import { createOutputs, parseOutFlags } from '../../controller/outputs/targets.js';

const [agentCount, runId, token] = [Number(process.argv[2]), process.argv[3]!, process.argv[4]!];
/** --out values of live outputs every window is exported to (export-cost.ts) */
const outValues = process.argv.slice(5);
const dir = mkdtempSync(join(tmpdir(), 'squall-ingest-'));
const store = RunStore.open(join(dir, 'runs.db'));
const plan = { startVus: agentCount, stages: [{ durationMs: 60_000, target: agentCount }], gracefulStopMs: 0 };
store.createRun({ id: runId, scenario: 'ingest', scenarioPath: '-', startedAt: Date.now(), status: 'running', windowMs: 15_000, plan, config: { envKeys: [], outDir: dir, thresholds: [] } });
const session = new RunSession(runId, { windowMs: 15_000 }, store, { notice: () => {}, changed: () => {} });
for (let i = 0; i < agentCount; i += 1) {
  const agent = session.addAgent({ id: `agent-${i}`, host: `host-${i}`, plan, plannedVus: 5, firstVu: i * 5 + 1 });
  session.setStatus(agent, 'running');
}
if (outValues.length > 0) {
  session.outputs.push(...(await createOutputs(parseOutFlags(outValues, dir).outputs)));
  const agents = [...session.agents.values()].map(({ id, host }) => ({ id, host }));
  session.dispatch.start({ runId, scenario: 'ingest', plan, windowMs: 15_000, t0: Date.now(), agents });
}
// SQUALL_BENCH_PROFILE=file.cpuprofile: a CPU profile of the controller, for finding what to speed up.
const profiler = process.env.SQUALL_BENCH_PROFILE ? new inspector.Session() : undefined;
if (profiler) {
  profiler.connect();
  await new Promise((resolve) => profiler.post('Profiler.enable', () => profiler.post('Profiler.start', resolve)));
}
const hub = await AgentHub.listen({ runId, token, heartbeatMs: 5000, handlers: session });
setInterval(() => session.writes.maintain(), 1000).unref();
let peakRss = process.memoryUsage.rss();
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 200).unref();
const started = process.cpuUsage();
process.stdout.write(JSON.stringify({ port: hub.port }) + '\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stats') {
    const cpu = process.cpuUsage(started);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRss / 1048576, duplicates: session.duplicates, refused: session.refusedWindows }) + '\n');
  }
}
if (profiler) {
  await new Promise<void>((resolve) =>
    profiler.post('Profiler.stop', (_error, result) => {
      writeFileSync(process.env.SQUALL_BENCH_PROFILE!, JSON.stringify(result.profile));
      resolve();
    }),
  );
}
// What the outputs could not deliver: a bench whose sink missed windows measured less than it says.
for (const summary of await session.dispatch.stop(5000)) process.stderr.write(`ingest controller: ${summary.line}\n`);
await hub.close();
store.close();
process.exit(0);
