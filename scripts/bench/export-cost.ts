// What exporting costs the controller: the ingest benchmark's controller (real
// hub, session and store, simulated agents) taking the same windows twice in
// one command, without live outputs and with all three (Prometheus
// remote-write and OTLP to sinks in this process, JSON lines to a file).
// Reported as the ratio of controller CPU.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchIngest, type IngestOptions, type IngestResult } from './ingest.js';

export interface ExportCostResult {
  agents: number;
  steps: number;
  rounds: number;
  /** controller CPU ms over the whole test, without and with the outputs */
  baselineCpuMs: number;
  exportCpuMs: number;
  /** exportCpuMs / baselineCpuMs */
  ratio: number;
  /** the extra CPU as % of one core over the test's time */
  extraCorePct: number;
  /** requests and bytes each sink received */
  delivered: { prometheus: number; otlp: number; bytes: number };
}

/** An endpoint that takes everything: what it costs to receive is not the controller's. */
async function sink(): Promise<{ url: string; requests: () => number; bytes: () => number; close: () => Promise<void> }> {
  let requests = 0;
  let bytes = 0;
  const server: Server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      requests += 1;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, bytes: () => bytes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function benchExportCost(options: Omit<IngestOptions, 'outputs' | 'warmupRounds'>): Promise<ExportCostResult> {
  const prometheus = await sink();
  const otlp = await sink();
  const dir = mkdtempSync(join(tmpdir(), 'squall-export-bench-'));
  try {
    const outputs = [`prometheus-rw=${prometheus.url}/api/v1/write`, `otlp=${otlp.url}/v1/metrics`, `json=${join(dir, 'windows.jsonl')}`];
    // One window first, not measured: what a long run pays once (compiling the encoders, fetch's first request) is not per window.
    const baseline: IngestResult = await benchIngest({ ...options, warmupRounds: 1 });
    const exporting: IngestResult = await benchIngest({ ...options, warmupRounds: 1, outputs });
    return {
      agents: options.agents,
      steps: options.steps,
      rounds: options.rounds,
      baselineCpuMs: baseline.controllerCpuMs,
      exportCpuMs: exporting.controllerCpuMs,
      ratio: exporting.controllerCpuMs / baseline.controllerCpuMs,
      extraCorePct: (100 * (exporting.controllerCpuMs - baseline.controllerCpuMs)) / exporting.elapsedMs,
      delivered: { prometheus: prometheus.requests(), otlp: otlp.requests(), bytes: prometheus.bytes() + otlp.bytes() },
    };
  } finally {
    await prometheus.close();
    await otlp.close();
  }
}
