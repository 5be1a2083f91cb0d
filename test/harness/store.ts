// A real run store in a fresh temporary folder, with one run in it, and
// window frames as agents send them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../controller/store/store.js';
import { PROTOCOL_VERSION, type WindowBody } from '../../src/protocol/messages.js';

export const PLAN = { startVus: 1, stages: [{ durationMs: 10_000, target: 1 }], gracefulStopMs: 0 };

export function tempStore(runId = 'run-1'): { store: RunStore; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'squall-store-')), 'runs.db');
  const store = RunStore.open(path);
  store.createRun({ id: runId, scenario: 'test', scenarioPath: '/dev/null', startedAt: 1, status: 'running', windowMs: 1000, plan: PLAN, config: { envKeys: [], outDir: '/dev/null', thresholds: [] } });
  return { store, path };
}

/** The window message as an agent's uplink frames it. */
export function windowFrame(runId: string, agentId: string, seq: number, window: WindowBody): string {
  return JSON.stringify({ type: 'window', window, protocol: PROTOCOL_VERSION, runId, agentId, seq });
}
