// squall itself: the local agent (a child process with one headless shell and
// a context per VU), driven through the same run phases as `squall run`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shareByWeight, type Assign } from '../../../controller/run/assign.js';
import type { RunHooks, RunOutcome, RunRequest } from '../../../controller/run/request.js';
import { executeRun, withPreparedRun } from '../../../controller/run/run.js';
import { RunStore } from '../../../controller/store/store.js';
import { memoryIo } from '../../../src/io.js';
import { REFERENCE_SCENARIO } from '../../../controller/paths.js';
import { StepTable } from '../../../src/metrics/merge.js';
import { FIDELITY_STEP, referenceEnv, type MeasureOptions, type PointResult, type Runner } from './types.js';
import { probeWindow, type WindowProbe } from './window-probe.js';

/** BENCH_VU_WORKERS=n: every agent starts n VU workers instead of its own choice, to measure what the default buys. */
const vuWorkers = process.env.BENCH_VU_WORKERS ? Number(process.env.BENCH_VU_WORKERS) : undefined;

const assign: Assign = vuWorkers
  ? async (prepared, sites) => (await shareByWeight(prepared, sites)).map((assignment) => ({ ...assignment, vuWorkers }))
  : shareByWeight;

/** `squall run`'s phases, with the benchmark's own assignment. */
function runSquall(request: RunRequest, hooks: RunHooks): Promise<RunOutcome> {
  const io = memoryIo();
  return withPreparedRun(request, io, (prepared) => executeRun(prepared, io, { assign, hooks }));
}

/** The reference workload without request timing and Web Vitals: what collecting them costs. */
export const REFERENCE_NO_METRICS = fileURLToPath(new URL('../reference-no-metrics.scenario.ts', import.meta.url));

/** The same measure of each scenario, for two runs side by side: each counts its own agent's CPU only. */
export function measureSideBySide(options: MeasureOptions): Promise<[on: PointResult, off: PointResult]> {
  return Promise.all([
    measureSquall(REFERENCE_SCENARIO, options, { vus: options.vus }, true),
    measureSquall(REFERENCE_NO_METRICS, options, { vus: options.vus }, true),
  ]);
}

export const squallRunner = squallRunnerFor('squall', 'squall agent: one headless shell, a context per VU, browser metrics on (the default)', REFERENCE_SCENARIO);
export const squallNoMetricsRunner = squallRunnerFor('squall-off', 'the same with browser metrics off', REFERENCE_NO_METRICS);

function squallRunnerFor(name: string, describe: string, scenario: string): Runner {
  return {
    name,
    describe,
    measure: (options) => measureSquall(scenario, options, { vus: options.vus }),
  };
}

/** Kept VUs per arrival per second: the reference iteration takes about 3.5 s, so this is twice what Little's law asks. */
const VUS_PER_RATE = 8;

/**
 * The reference workload as an arrival rate: `vus` of the options is the rate
 * per second. Its PointResult counts arrivals dropped in the span.
 */
export const squallArrivalRunner: Runner = {
  name: 'squall-rate',
  describe: 'squall agent, the reference workload at an arrival rate (iterations started per second)',
  unit: '/s',
  measure: (options) =>
    measureSquall(REFERENCE_SCENARIO, options, {
      rate: options.vus,
      maxVus: Math.ceil(options.vus * VUS_PER_RATE),
      preAllocatedVus: Math.ceil(options.vus * VUS_PER_RATE * 0.6),
    }),
};

async function measureSquall(scenario: string, options: MeasureOptions, load: RunRequest['flags'], ownTreeOnly = false): Promise<PointResult> {
  const { vus, warmupMs, measureMs } = options;
  const dir = mkdtempSync(join(tmpdir(), 'squall-bench-'));
  let probe: WindowProbe | undefined;
  let t0 = 0;
  try {
    const outcome = await runSquall(
      {
        scenario,
        // The span begins at the first window edge after the warm-up: at most 1 s later.
        flags: { ...load, duration: `${Math.ceil((warmupMs + measureMs) / 1000) + 1}s` },
        env: referenceEnv(options),
        window: '1s',
        out: join(dir, 'out'),
        db: join(dir, 'runs.db'),
        dashboard: false,
      },
      {
        started: (start, localPids) => {
          t0 = start;
          // Side by side with another run, only this run's agent is this run's generator.
          probe = probeWindow(start + warmupMs, measureMs, ownTreeOnly ? localPids : undefined);
        },
      },
    );
    const system = await probe!.done;
    const store = RunStore.open(outcome.dbPath);
    try {
      // Windows are 1 s multiples of the wall clock: the span starts at the first edge after the warm-up.
      const from = Math.ceil((t0 + warmupMs) / 1000) * 1000;
      const windows = store.mergedWindows(outcome.runId).filter((w) => w.windowStart >= from && w.windowStart + w.windowMs <= from + measureMs);
      const table = new StepTable();
      for (const window of windows) table.add(window.steps);
      const step = table.get(FIDELITY_STEP);
      const stepsInSpan = [...table.steps.values()].reduce((sum, acc) => sum + acc.count, 0);
      const dropped = windows.reduce((sum, w) => sum + (w.iterations.dropped ?? 0), 0);
      const due = dropped + windows.reduce((sum, w) => sum + w.iterations.started, 0);
      return {
        vus,
        p50: step.percentile(0.5),
        p95: step.percentile(0.95),
        samples: step.count,
        failedPct: step.count > 0 ? (100 * step.failed) / step.count : 0,
        stepsInSpan,
        ...(load.rate !== undefined ? { droppedPct: due > 0 ? (100 * dropped) / due : 0 } : {}),
        span: { from, to: from + measureMs },
        ...system,
      };
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
