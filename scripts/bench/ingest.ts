// Controller ingest: a swarm of simulated agents (WebSocket clients in this
// process) sends valid windows of 20 steps each to a real controller in a
// child process, all on the same 15 s boundary as real agents would.
// Measures windows committed per second, ack latency, controller CPU and RSS.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { LatencyHistogram } from '../../src/metrics/histogram.js';
import { alignWindow } from '../../src/metrics/window.js';
import { AGENT_ID_HEADER, PROTOCOL_VERSION, type WindowBody } from '../../src/protocol/messages.js';
import { agentCredential } from '../../controller/hub/gate.js';
import { exactPercentile } from './runners/types.js';

export interface IngestOptions {
  agents: number;
  steps: number;
  rounds: number;
  /** time between rounds; real agents send every 15 s */
  roundSpacingMs: number;
  /** agents report a window within this long after the boundary (squall's agents: up to 2 s, by agent id) */
  spreadMs: number;
  /** live outputs the controller exports every window to (export-cost.ts): their --out values */
  outputs?: string[];
  /** rounds sent before the measured ones: first calls' compiling and lazy set-up left out */
  warmupRounds?: number;
}

export interface IngestResult {
  agents: number;
  steps: number;
  spreadMs: number;
  windowsSent: number;
  windowsAcked: number;
  /** windows committed per second while a round's burst was being taken in */
  windowsPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** controller CPU over the whole test (idle time between rounds included), % of one core */
  controllerCpuPct: number;
  /** the same as CPU ms, and the test's wall time */
  controllerCpuMs: number;
  elapsedMs: number;
  /** controller CPU while each round is taken in (its first send until every window is acked), % of one core */
  controllerBusyCpuPct: number;
  controllerPeakRssMb: number;
  /** bytes of one window message */
  windowBytes: number;
}

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const CONTROLLER = fileURLToPath(new URL('./ingest-controller.ts', import.meta.url));

/** A window like an agent with a few VUs sends: each step with a spread of latencies. */
function windowBody(steps: number, windowStart: number): WindowBody {
  const stepsRecord: WindowBody['steps'] = {};
  for (let s = 0; s < steps; s += 1) {
    const hist = new LatencyHistogram();
    let sum = 0;
    for (let i = 0; i < 60; i += 1) {
      const ms = 80 + s * 20 + ((i * 37) % 400) * (1 + (i % 7) / 3);
      hist.record(ms);
      sum += ms;
    }
    stepsRecord[`step ${s + 1}`] = { count: 62, failed: 2, sumMs: sum, minMs: 80 + s * 20, maxMs: 80 + s * 20 + 1200, hist: hist.toWire(), errors: { TimeoutError: { count: 2, sample: 'Waiting for selector `#cart` failed: 30000ms exceeded' } } };
  }
  return {
    windowStart,
    windowMs: 15_000,
    steps: stepsRecord,
    iterations: { started: 62, completed: 60, failed: 2 },
    iterationErrors: {},
    vus: { min: 5, max: 5 },
    resources: { hostCpuPct: 55.5, agentCpuPct: 12.25, agentRssMb: 140.5, hostMemUsedPct: 41.2, loopLagMs: 3.5 },
    saturated: false,
  };
}

function startController(agents: number, runId: string, token: string, outputs: readonly string[] = []) {
  const child = spawn(TSX, [CONTROLLER, String(agents), runId, token, ...outputs], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, number>;
  return {
    port: next().then((m) => m.port!),
    stats: async () => {
      child.stdin!.write('stats\n');
      return next();
    },
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin!.end();
    }),
  };
}

export async function benchIngest(options: IngestOptions): Promise<IngestResult> {
  const runId = 'ingest-bench';
  const token = randomBytes(24).toString('hex');
  const controller = startController(options.agents, runId, token, options.outputs);
  const url = `ws://127.0.0.1:${await controller.port}/agent`;
  const sockets: WebSocket[] = [];
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let acked = 0;
  let firstSend = Number.POSITIVE_INFINITY;
  let lastAck = 0;
  let busyMs = 0;
  let roundCpuMs = 0;
  let roundWallMs = 0;
  const envelope = (agent: number, seq: number) => ({ protocol: PROTOCOL_VERSION, runId, agentId: `agent-${agent}`, seq });
  const facts = { hostname: 'sim', platform: 'linux', cores: 2, memoryMb: 4096, node: process.version, clock: Date.now() };
  // Connect in batches: a real fleet does not dial in all in the same millisecond either.
  for (let batch = 0; batch < options.agents; batch += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, options.agents - batch) }, (_, k) => {
        const agent = batch + k;
        return new Promise<void>((resolve, reject) => {
          const agentId = `agent-${agent}`;
          const headers = { authorization: `Bearer ${agentCredential(token, agentId)}`, [AGENT_ID_HEADER]: agentId };
          const socket = new WebSocket(url, { headers });
          socket.on('open', () => {
            socket.send(JSON.stringify({ type: 'hello', ...envelope(agent, 1), pid: 1, resumed: false, facts }));
            resolve();
          });
          socket.on('error', reject);
          socket.on('message', (data) => {
            const message = JSON.parse(data.toString()) as { type: string; seq?: number };
            if (message.type !== 'ack') return;
            const key = `${agent}:${message.seq}`;
            const sent = sentAt.get(key);
            if (sent === undefined) return;
            sentAt.delete(key);
            const now = performance.now();
            latencies.push(now - sent);
            acked += 1;
            lastAck = now;
          });
          sockets[agent] = socket;
        });
      }),
    );
  }
  // Every agent heartbeats every 4 s on its own clock, as real agents do from
  // their own connection time: a slice of the fleet every 100 ms, not all at once.
  const HEARTBEAT_SLICES = 40;
  let slice = 0;
  const heartbeat = setInterval(() => {
    slice = (slice + 1) % HEARTBEAT_SLICES;
    for (let agent = slice; agent < sockets.length; agent += HEARTBEAT_SLICES) {
      sockets[agent]!.send(JSON.stringify({ type: 'heartbeat', ...envelope(agent, 0), activeVus: 5 }));
    }
  }, 4000 / HEARTBEAT_SLICES);
  const warmup = options.warmupRounds ?? 0;
  const rounds = warmup + options.rounds;
  let cpuBefore = await controller.stats();
  let testStart = performance.now();
  let windowBytes = 0;
  for (let round = 0; round < rounds; round += 1) {
    if (round === warmup && warmup > 0) {
      cpuBefore = await controller.stats();
      testStart = performance.now();
      busyMs = 0;
      roundCpuMs = 0;
      roundWallMs = 0;
      latencies.length = 0;
    }
    // Windows of the coming 15 s intervals (the controller takes them within its clock margin): each is complete, merged
    // and given to the live outputs once every agent's is in, as in a run. (Past ones would go out with the first agent's.)
    const windowStart = alignWindow(Date.now(), 15_000) + (round + 1) * 15_000;
    const body = JSON.stringify(windowBody(options.steps, windowStart));
    const cpuAtRoundStart = await controller.stats();
    const roundStart = performance.now();
    firstSend = Number.POSITIVE_INFINITY;
    const expected = acked + options.agents;
    await Promise.all(
      sockets.map(
        (socket, agent) =>
          new Promise<void>((resolve) => {
            setTimeout(() => {
              const seq = round + 2;
              const frame = `{"type":"window","protocol":${PROTOCOL_VERSION},"runId":"${runId}","agentId":"agent-${agent}","seq":${seq},"window":${body}}`;
              windowBytes = frame.length;
              const now = performance.now();
              firstSend = Math.min(firstSend, now);
              sentAt.set(`${agent}:${seq}`, now);
              socket.send(frame);
              resolve();
            }, (agent / options.agents) * options.spreadMs);
          }),
      ),
    );
    while (acked < expected && performance.now() - roundStart < 60_000) await new Promise((r) => setTimeout(r, 20));
    busyMs += lastAck - firstSend;
    roundCpuMs += (await controller.stats()).cpuMs! - cpuAtRoundStart.cpuMs!;
    roundWallMs += performance.now() - roundStart;
    const rest = options.roundSpacingMs - (performance.now() - roundStart);
    if (round < rounds - 1 && rest > 0) await new Promise((r) => setTimeout(r, rest));
  }
  const elapsed = performance.now() - testStart;
  const cpuAfter = await controller.stats();
  // An ack says taken, not stored: a window the controller refused (out of bounds) is acked too.
  if (cpuAfter.refused) throw new Error(`the controller refused ${cpuAfter.refused} of the bench's windows: they measure nothing`);
  clearInterval(heartbeat);
  for (const socket of sockets) socket.terminate();
  await controller.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    agents: options.agents,
    steps: options.steps,
    spreadMs: options.spreadMs,
    windowsSent: options.agents * options.rounds,
    windowsAcked: acked - warmup * options.agents,
    windowsPerSecond: busyMs > 0 ? acked / (busyMs / 1000) : 0,
    ackP50Ms: exactPercentile(sorted, 0.5),
    ackP99Ms: exactPercentile(sorted, 0.99),
    ackMaxMs: sorted.at(-1) ?? Number.NaN,
    controllerCpuPct: (100 * (cpuAfter.cpuMs! - cpuBefore.cpuMs!)) / elapsed,
    controllerCpuMs: cpuAfter.cpuMs! - cpuBefore.cpuMs!,
    elapsedMs: elapsed,
    controllerBusyCpuPct: roundWallMs > 0 ? (100 * roundCpuMs) / roundWallMs : 0,
    controllerPeakRssMb: cpuAfter.peakRssMb!,
    windowBytes,
  };
}
