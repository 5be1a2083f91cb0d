// A run of scripted agents through the real run phases (hub, session, store,
// control, report) in milliseconds: a prepared run made by hand, with short
// timings, and fake sites instead of local or SSH ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreparedRun } from '../../controller/run/prepare.js';
import type { RunHooks, RunOutcome } from '../../controller/run/request.js';
import { executeRun } from '../../controller/run/run.js';
import { newRunId } from '../../controller/run/run-id.js';
import type { AgentSite } from '../../controller/sites/site.js';
import { memoryIo } from '../../src/io.js';

const made: string[] = [];

/** Removes every folder preparedRun made. */
export function removeFakeRuns(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function preparedRun(overrides: Partial<PreparedRun> = {}): PreparedRun {
  const dir = mkdtempSync(join(tmpdir(), 'squall-fake-run-'));
  made.push(dir);
  return {
    runId: newRunId(),
    request: { scenario: 'fake.ts', flags: {}, env: { TARGET: 'http://127.0.0.1:9' }, dashboard: false },
    workDir: dir,
    bundle: { path: join(dir, 'scenario.mjs'), hash: '0'.repeat(64), displayPath: 'fake.ts', dataFiles: [] },
    scenarioName: 'fake',
    lifecycle: {},
    plan: { startVus: 0, stages: [{ durationMs: 1000, target: 2 }], gracefulStopMs: 0 },
    windowMs: 1000,
    thresholds: [],
    outDir: join(dir, 'out'),
    dbPath: join(dir, 'runs.db'),
    commandStartedAt: Date.now(),
    // Generous: a run of fake agents ends as soon as they are done, and a busy CI machine must not make one overdue.
    timing: { heartbeatMs: 5000, readyTimeoutMs: 10_000, startLeadMs: 10, finishSlackMs: 10_000, exitGraceMs: 500, agentGraceMs: 15_000, reconnectMarginMs: 15_000, outputsFlushMs: 2000 },
    ...overrides,
  };
}

/** An Io whose Ctrl-C the test presses. */
export function pressableIo() {
  const handlers = new Set<() => void>();
  const io = memoryIo({
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  });
  return { io, ctrlC: () => [...handlers].forEach((handler) => handler()) };
}

export function runWith(sites: AgentSite[], options: { hooks?: RunHooks; io?: ReturnType<typeof memoryIo>; prepared?: PreparedRun } = {}): Promise<RunOutcome> {
  const prepared = options.prepared ?? preparedRun();
  return executeRun(prepared, options.io ?? memoryIo(), { openSites: async () => ({ sites, excluded: [] }), ...(options.hooks ? { hooks: options.hooks } : {}) });
}
