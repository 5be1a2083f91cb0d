// npm run bench [-- --quick | --smoke] [--out bench-results.json] [--only fidelity|rate|metrics|ingest|export] [--rounds n] [--side-by-side]
// VU density and fidelity of squall against three baselines run in the same
// process, then controller ingest. Prints tables; writes bench-results.json.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { measureCurves, signedMs, type Curve, type CurveTiming, FIDELITY_LIMIT } from './fidelity.js';
import { benchIngest, type IngestOptions, type IngestResult } from './ingest.js';
import { benchExportCost } from './export-cost.js';
import { competentRunner, FULL_CHROMIUM, naiveKeptRunner, naiveRunner } from './runners/baselines.js';
import { pageTimings, startTarget } from './target.js';
import { squallArrivalRunner, squallNoMetricsRunner, squallRunner } from './runners/squall.js';
import { measureMetricsCost, type MetricsCostOptions } from './metrics-cost.js';
import type { Runner } from './runners/types.js';

type Mode = 'full' | 'quick' | 'smoke';

const TIMING: Record<Mode, CurveTiming> = {
  full: { warmupMs: 10_000, measureMs: 30_000, baselineMs: 90_000, refineSteps: 3, maxVus: 256 },
  // 1, 4, 16, 64 VUs, then two bisections: about 6 points a runner, 9 minutes in all.
  quick: { warmupMs: 5_000, measureMs: 12_000, baselineMs: 24_000, refineSteps: 2, maxVus: 64, growth: 4 },
  // The smallest run that computes everything: think times of 100 ms make an iteration about 0.7 s,
  // so every point has samples in 2 s; a full Chromium launched per iteration takes about 2 s, and
  // up to 8 s on a busy machine, so the smoke run leaves naive out (naive-kept has its code path but the
  // per-iteration launch): 10 s of two busy cores was the test suite's costliest part of this test.
  // squall's curve grows to 2 VUs (a ratio to its baseline); every other runner measures its baseline.
  smoke: {
    warmupMs: 1_000,
    measureMs: 2_000,
    baselineMs: 2_000,
    refineSteps: 0,
    maxVus: 2,
    vuLimit: 2,
    vuLimitOf: { competent: 1, 'naive-kept': 1 },
    thinkMs: 100,
  },
};

// The arrival-rate capacity: the reference workload at 1, 2, 4, … iterations a
// second (the 1/s point is the baseline), then bisection, like the VU curve.
const RATE_TIMING: Record<Mode, CurveTiming> = {
  full: { warmupMs: 10_000, measureMs: 30_000, baselineMs: 60_000, refineSteps: 3, maxVus: 64 },
  quick: { warmupMs: 5_000, measureMs: 12_000, baselineMs: 24_000, refineSteps: 2, maxVus: 32 },
  smoke: { warmupMs: 500, measureMs: 2_000, baselineMs: 2_000, refineSteps: 0, maxVus: 1, vuLimit: 1, thinkMs: 100 },
};

// Collection on and off at a load the host holds (the fidelity curve's 12 to 28 VUs here), in turns.
const METRICS_COST: Record<Mode, MetricsCostOptions> = {
  full: { vus: 12, rounds: 5, warmupMs: 10_000, measureMs: 30_000 },
  quick: { vus: 12, rounds: 3, warmupMs: 5_000, measureMs: 15_000 },
  smoke: { vus: 2, rounds: 1, warmupMs: 500, measureMs: 2_000, thinkMs: 100 },
};

// As squall's agents report (spread over 2 s after the boundary), then all
// 5,000 within 250 ms: the most the controller takes in at once.
const INGEST: Record<Mode, IngestOptions[]> = {
  full: [
    ...[100, 1000, 5000].map((agents) => ({ agents, steps: 20, rounds: 3, roundSpacingMs: 15_000, spreadMs: 2000 })),
    { agents: 5000, steps: 20, rounds: 2, roundSpacingMs: 15_000, spreadMs: 250 },
  ],
  quick: [
    ...[100, 1000, 5000].map((agents) => ({ agents, steps: 20, rounds: 2, roundSpacingMs: 6_000, spreadMs: 2000 })),
    { agents: 5000, steps: 20, rounds: 1, roundSpacingMs: 6_000, spreadMs: 250 },
  ],
  smoke: [{ agents: 20, steps: 20, rounds: 1, roundSpacingMs: 1000, spreadMs: 250 }],
};

/** Windows every 15 s as real agents send them would take minutes: rounds come faster, on 15 s intervals ahead. */
const EXPORT: Record<Mode, Omit<IngestOptions, 'outputs' | 'warmupRounds'>> = {
  full: { agents: 100, steps: 20, rounds: 12, roundSpacingMs: 2000, spreadMs: 1000 },
  quick: { agents: 100, steps: 20, rounds: 6, roundSpacingMs: 2000, spreadMs: 1000 },
  smoke: { agents: 10, steps: 5, rounds: 2, roundSpacingMs: 500, spreadMs: 100 },
};

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function machine() {
  const chromium = (path: string) => {
    try {
      return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'missing';
    }
  };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    headlessShell: chromium('/usr/bin/chromium-headless-shell'),
    fullChromium: chromium(FULL_CHROMIUM),
    commit,
  };
}

/** The fastest 1-VU p50 of any runner: the best estimate of what the step itself takes. */
function bestBaseline(curves: readonly Curve[]): number {
  return Math.min(...curves.map((c) => c.baseline.p50));
}

function fidelityTable(curves: readonly Curve[]): string {
  const best = bestBaseline(curves);
  const lines = ['runner       VUs   p50 ms  p95 ms  p50/base  p95/base  p50/best  page ms  harness  host CPU  CPU ms/it  PSS/VU MB  samples  failed'];
  for (const curve of curves) {
    for (const p of curve.points) {
      lines.push(
        [
          curve.runner.padEnd(10),
          String(p.vus).padStart(5),
          p.p50.toFixed(1).padStart(8),
          p.p95.toFixed(1).padStart(7),
          `${p.p50Ratio.toFixed(2)}x`.padStart(9),
          `${p.p95Ratio.toFixed(2)}x`.padStart(9),
          `${(p.p50 / best).toFixed(2)}x`.padStart(9),
          (p.pageP50?.toFixed(1) ?? '-').padStart(8),
          (p.harnessMs !== undefined ? signedMs(p.harnessMs) : '-').padStart(8),
          `${p.hostCpuPct.toFixed(0)}%`.padStart(9),
          p.cpuMsPerIteration.toFixed(0).padStart(10),
          p.pssPerVuMb.toFixed(1).padStart(10),
          String(p.samples).padStart(8),
          `${p.failedPct.toFixed(1)}%`.padStart(7),
          p.withinLimit ? '' : '  over',
        ].join(' '),
      );
    }
  }
  return lines.join('\n');
}

/** A curve's harness overhead at 1 VU and at its capacity, e.g. "+4.1 ms at 1 VU, +9.8 ms at 28 VUs". */
function harnessFigures(curve: Curve): string {
  const at = (vus: number) => curve.points.find((p) => p.vus === vus)?.harnessMs;
  const figure = (ms: number | undefined) => (ms === undefined ? '-' : `${signedMs(ms)} ms`);
  return curve.capacity > 1 ? `${figure(at(1))} at 1 VU, ${figure(at(curve.capacity))} at ${curve.capacity}` : `${figure(at(1))} at 1 VU`;
}

function ingestTable(results: readonly IngestResult[]): string {
  const lines = ['agents  steps  spread  windows  window KB  windows/s  ack p50 ms  ack p99 ms  ack max ms  controller CPU (taking in / whole test)  controller RSS MB'];
  for (const r of results) {
    lines.push(
      [
        String(r.agents).padStart(6),
        String(r.steps).padStart(6),
        `${r.spreadMs}ms`.padStart(7),
        `${r.windowsAcked}/${r.windowsSent}`.padStart(8),
        (r.windowBytes / 1024).toFixed(1).padStart(10),
        r.windowsPerSecond.toFixed(0).padStart(10),
        r.ackP50Ms.toFixed(0).padStart(11),
        r.ackP99Ms.toFixed(0).padStart(11),
        r.ackMaxMs.toFixed(0).padStart(11),
        `${r.controllerBusyCpuPct.toFixed(0)}% / ${r.controllerCpuPct.toFixed(0)}%`.padStart(36),
        r.controllerPeakRssMb.toFixed(0).padStart(18),
      ].join(' '),
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const mode: Mode = process.argv.includes('--smoke') ? 'smoke' : process.argv.includes('--quick') ? 'quick' : 'full';
  const only = argument('--only');
  const out = argument('--out') ?? 'bench-results.json';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = Date.now();
  const results: Record<string, unknown> = { schema: 'squall.bench/v1', mode, startedAt: new Date(started).toISOString(), machine: machine() };
  log(`squall benchmark (${mode}) on ${JSON.stringify(results.machine)}`);

  if (only !== 'ingest' && only !== 'export') {
    const app = await startTarget();
    try {
      let capacity = (_name: string): number | undefined => undefined;
      let cpuAt = (_name: string): number | undefined => undefined;
      if (only !== 'metrics' && only !== 'rate') {
        const naive = mode === 'smoke' ? [naiveKeptRunner] : [naiveRunner, naiveKeptRunner];
        // The smoke run leaves out squall with metrics off: squall's own runner with another scenario (the metrics part compares them).
        const squalls = mode === 'smoke' ? [squallRunner] : [squallRunner, squallNoMetricsRunner];
        const runners: Runner[] = [...squalls, competentRunner, ...(existsSync(FULL_CHROMIUM) ? naive : [])];
        if (!existsSync(FULL_CHROMIUM)) log(`no ${FULL_CHROMIUM}: the naive baselines are skipped (apt-get install chromium)`);
        log(`fidelity curves, the runners taking turns: ${runners.map((r) => `${r.name} (${r.describe})`).join('; ')}`);
        const curves = await measureCurves(runners, app.url, TIMING[mode], log, (span) => pageTimings(app.url, span));
        capacity = (name: string) => curves.find((c) => c.runner === name)?.capacity;
        cpuAt = (name: string) => {
          const curve = curves.find((c) => c.runner === name);
          return curve?.points.find((p) => p.vus === curve.capacity)?.cpuMsPerIteration;
        };
        const ratio = (name: string) => {
          const other = capacity(name);
          return other ? capacity('squall')! / other : null;
        };
        results.workload = { scenario: 'controller/calibrate/reference.scenario.ts', step: 'product', apiLatencyMs: 100, thinkMs: 1000, fidelityLimit: FIDELITY_LIMIT };
        results.fidelity = curves;
        results.bestBaselineP50 = bestBaseline(curves);
        results.capacity = {
          squall: capacity('squall'),
          competent: capacity('competent'),
          naive: capacity('naive') ?? null,
          naiveKept: capacity('naive-kept') ?? null,
          vsCompetent: ratio('competent'),
          vsNaive: ratio('naive'),
          vsNaiveKept: ratio('naive-kept'),
          metricsOff: capacity('squall-off'),
        };
        console.log(
          `\nfidelity: p50 of "product" (100 ms API) against each runner's own 1-VU baseline; capacity = most VUs within ${FIDELITY_LIMIT}x.\n` +
            `p50/best: against the fastest 1-VU p50 of any runner, i.e. the runner's own overhead included\n` +
            `page ms: the page's own p50 for the same action (click to the detail shown) in the same span; harness: p50 minus it\n`,
        );
        console.log(fidelityTable(curves));
        const atCapacity = (c: Curve) => c.points.find((p) => p.vus === c.capacity);
        console.log(
          `\nVU capacity: ${curves
            .map((c) => `${c.runner} ${c.capacity} (PSS ${c.pssPerVuMbAtCapacity.toFixed(1)} MB/VU, ${atCapacity(c)?.cpuMsPerIteration.toFixed(0) ?? '-'} CPU ms/iteration)`)
            .join(', ')}`,
        );
        console.log(`harness over the page's own time (step p50 - page p50): ${curves.map((c) => `${c.runner} ${harnessFigures(c)}`).join('; ')}`);
        console.log(
          `squall vs competent: ${ratio('competent')?.toFixed(2) ?? '-'}x; vs naive: ${ratio('naive')?.toFixed(2) ?? '-'}x; vs naive-kept: ${ratio('naive-kept')?.toFixed(2) ?? '-'}x`,
        );
      }
      if (only === undefined || only === 'rate') {
        log(`arrival-rate capacity: ${squallArrivalRunner.describe}`);
        const [curve] = await measureCurves([squallArrivalRunner], app.url, RATE_TIMING[mode], log);
        results.arrivalCapacity = curve;
        console.log(`\narrival-rate capacity (highest rate with under 1 % dropped and p50 within ${FIDELITY_LIMIT}x of the 1/s p50): ${curve!.capacity}/s`);
        console.log(
          curve!.points
            .map((p) => `  ${String(p.vus).padStart(3)}/s  p50 ${p.p50.toFixed(1)} ms (${p.p50Ratio.toFixed(2)}x)  dropped ${(p.droppedPct ?? 0).toFixed(1)}%  host CPU ${p.hostCpuPct.toFixed(0)}%${p.withinLimit ? '' : '  over'}`)
            .join('\n'),
        );
        console.log(`VU capacity beside it: ${capacity('squall') ?? '- (not measured in this run)'} VUs`);
      }
      if (only === undefined || only === 'metrics') {
        log(`browser metrics: collection on and off ${process.argv.includes('--side-by-side') ? 'side by side' : 'in turns'}`);
        const rounds = argument('--rounds');
        const sideBySide = process.argv.includes('--side-by-side');
        const cost = await measureMetricsCost(app.url, { ...METRICS_COST[mode], ...(rounds ? { rounds: Number(rounds) } : {}), ...(sideBySide ? { sideBySide } : {}) }, log);
        results.metricsCost = cost;
        console.log(
          `\nbrowser metrics (request timing, Web Vitals, evidence) on vs off, ${cost.rounds} rounds ${cost.sideBySide ? 'side by side (half the VUs each)' : 'in turns'} at ${cost.vus} VUs: ` +
            `${cost.onCpuMs.toFixed(1)} vs ${cost.offCpuMs.toFixed(1)} CPU ms/iteration = ${cost.ratio.toFixed(3)}x ` +
            `of the agent and its browsers (rounds: ${cost.pairs.map((p) => `${p.ratio.toFixed(3)}x`).join(', ')}); ` +
            `whole host ${cost.onHostCpuMs.toFixed(1)} vs ${cost.offHostCpuMs.toFixed(1)} = ${cost.hostRatio.toFixed(3)}x; ` +
            (capacity('squall') === undefined
              ? 'VU capacity: not measured in this run (the fidelity curves of a run without --only give it)'
              : `VU capacity on ${capacity('squall')} (${cpuAt('squall')?.toFixed(0) ?? '-'} CPU ms/iteration), off ${capacity('squall-off') ?? '-'} (${cpuAt('squall-off')?.toFixed(0) ?? '-'})`),
        );
      }
    } finally {
      await app.close();
    }
  }

  if (only === 'export' || (only === undefined && mode !== 'smoke')) {
    const options = EXPORT[mode];
    log(`export cost: ${options.agents} agents x ${options.steps} steps, ${options.rounds} windows, without and with live outputs`);
    const cost = await benchExportCost(options);
    results.exportCost = cost;
    console.log(
      `\nexport cost: the controller taking ${cost.rounds} windows from ${cost.agents} simulated agents (${cost.steps} steps each), without live outputs and with ` +
        `prometheus-rw + otlp + json: ${cost.baselineCpuMs.toFixed(0)} vs ${cost.exportCpuMs.toFixed(0)} CPU ms = ${cost.ratio.toFixed(3)}x ` +
        `(+${cost.extraCorePct.toFixed(2)}% of one core over the test; sinks got ${cost.delivered.prometheus} + ${cost.delivered.otlp} requests, ${(cost.delivered.bytes / 1024).toFixed(0)} KB)`,
    );
  }

  if (only !== 'fidelity' && only !== 'metrics' && only !== 'rate' && only !== 'export') {
    const ingest: IngestResult[] = [];
    for (const options of INGEST[mode]) {
      log(`controller ingest: ${options.agents} agents x ${options.steps} steps`);
      ingest.push(await benchIngest(options));
    }
    results.ingest = ingest;
    console.log(`\ncontroller ingest: simulated agents each send a window of 20 steps after the same boundary, spread as shown\n`);
    console.log(ingestTable(ingest));
  }

  results.durationS = Math.round((Date.now() - started) / 1000);
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${out} (${results.durationS as number}s)`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
