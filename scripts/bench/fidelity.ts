// Fidelity curves: each runner's 1-VU baseline, then 2, 4, 8, … VUs until
// the fixed-latency step's p50 leaves +20 % of that baseline, then a
// bisection between the last good and the first bad count. A runner's VU
// capacity is the largest count that stayed within +20 % with under 1 %
// failures. The runners take turns point by point: this machine's speed
// drifts by 10-15 % over minutes, and a drift then hits every runner alike
// instead of whichever happened to run last.
import os from 'node:os';
import { keepsFidelity } from '../../controller/calibrate/levels.js';
import { exactPercentile, type PointResult, type Runner } from './runners/types.js';

export { FIDELITY_LIMIT } from '../../controller/calibrate/levels.js';

/** The issue's bar for an arrival rate held: under 1 % of arrivals dropped. */
const MAX_DROPPED_PCT = 1;

export interface CurveTiming {
  warmupMs: number;
  measureMs: number;
  /** the 1-VU baseline gets this long: it has few samples per second */
  baselineMs: number;
  /** bisection steps after growth found the edge */
  refineSteps: number;
  maxVus: number;
  /** stop growing here even when still within the limit */
  vuLimit?: number;
  /** VUs multiply by this until the limit breaks: 2 by default, 4 for a coarser, shorter curve */
  growth?: number;
  /** the reference scenario's think time, when not its own 1 s */
  thinkMs?: number;
  /** a longer span for a runner whose every iteration launches a browser (its samples are few) */
  measureMsOf?: Record<string, number>;
  /** a lower vuLimit for some runners: the smoke run grows one curve only */
  vuLimitOf?: Record<string, number>;
}

export interface CurvePoint extends PointResult {
  /** p50 over the 1-VU baseline's p50 */
  p50Ratio: number;
  p95Ratio: number;
  pssPerVuMb: number;
  /**
   * Host CPU time per iteration of the scenario (one fidelity step each), ms:
   * the runner's cost, steadier from run to run than latency at the knee.
   */
  cpuMsPerIteration: number;
  withinLimit: boolean;
  /** the page's own p50 for the same action over the same span (controller/demo/page.ts): the floor */
  pageP50?: number;
  pageSamples?: number;
  /** what the runner adds to the action as the page times it: step p50 minus the page's p50, ms */
  harnessMs?: number;
}

export interface Curve {
  runner: string;
  describe: string;
  baseline: CurvePoint;
  points: CurvePoint[];
  capacity: number;
  /** memory per VU at the capacity point */
  pssPerVuMbAtCapacity: number;
}

/** Host CPU time per iteration (one fidelity step each) over the measured span, ms. */
export function cpuMsPerIteration(result: PointResult, measureMs: number, cores: number): number {
  return result.samples > 0 ? ((result.hostCpuPct / 100) * cores * measureMs) / result.samples : Number.NaN;
}

/** A harness overhead as printed: "+4.2", or "-0.3" where the page's own time was the longer. */
export function signedMs(ms: number): string {
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(1)}`;
}

/** The page's floor beside a runner's step p50: `pageMs` sorted, the page's own times in the point's span. */
export function harnessOverhead(p50: number, pageMs: readonly number[]): Pick<CurvePoint, 'pageP50' | 'pageSamples' | 'harnessMs'> {
  if (pageMs.length === 0) return {};
  const pageP50 = exactPercentile(pageMs, 0.5);
  return { pageP50, pageSamples: pageMs.length, harnessMs: p50 - pageP50 };
}

function point(result: PointResult, baseline: PointResult, measureMs: number, cores: number, pageMs: readonly number[]): CurvePoint {
  const p50Ratio = result.p50 / baseline.p50;
  return {
    ...result,
    ...harnessOverhead(result.p50, pageMs),
    p50Ratio,
    p95Ratio: result.p95 / baseline.p95,
    pssPerVuMb: result.browserPssMb / result.vus,
    cpuMsPerIteration: cpuMsPerIteration(result, measureMs, cores),
    // An arrival-rate point also has to start what was due: dropped arrivals are load not applied.
    withinLimit: keepsFidelity({ p50Ratio, failedPct: result.failedPct, samples: result.samples }) && (result.droppedPct ?? 0) < MAX_DROPPED_PCT,
  };
}

/** Which VU count one runner measures next, from what it measured so far. Pure. */
export class CurveSearch {
  private baseline: PointResult | undefined;
  readonly points: CurvePoint[] = [];
  private good = 0;
  private bad: number | undefined;
  /** the VU count growth last reached, before the limit broke */
  private grownTo = 1;
  private refined = 0;

  constructor(
    private readonly timing: CurveTiming,
    private readonly cores = os.cpus().length,
  ) {}

  /** The next VU count and how long to measure it, or undefined when the curve is done. */
  next(): { vus: number; measureMs: number } | undefined {
    if (!this.baseline) return { vus: 1, measureMs: this.timing.baselineMs };
    if (this.bad === undefined) {
      const vus = this.grownTo * (this.timing.growth ?? 2);
      const limited = this.timing.vuLimit !== undefined && this.grownTo >= this.timing.vuLimit;
      return vus <= this.timing.maxVus && !limited ? { vus, measureMs: this.timing.measureMs } : undefined;
    }
    if (this.refined >= this.timing.refineSteps || this.bad - this.good <= 1) return undefined;
    return { vus: Math.round((this.good + this.bad) / 2), measureMs: this.timing.measureMs };
  }

  /** `measureMs`: how long the point was measured (its CPU is spread over it); `pageMs`: the page's own times in its span, sorted */
  record(result: PointResult, measureMs: number, pageMs: readonly number[] = []): CurvePoint {
    const measured = point(result, this.baseline ?? result, measureMs, this.cores, pageMs);
    const refining = this.bad !== undefined;
    if (!this.baseline) this.baseline = result;
    else if (refining) this.refined += 1;
    else this.grownTo = result.vus;
    if (measured.withinLimit) this.good = Math.max(this.good, result.vus);
    else this.bad = Math.min(this.bad ?? result.vus, result.vus);
    this.points.push(measured);
    return measured;
  }

  curve(runner: Runner): Curve {
    const points = [...this.points].sort((a, b) => a.vus - b.vus);
    const baseline = this.points[0]!;
    return {
      runner: runner.name,
      describe: runner.describe,
      baseline,
      points,
      capacity: this.good,
      pssPerVuMbAtCapacity: points.find((p) => p.vus === this.good)?.pssPerVuMb ?? Number.NaN,
    };
  }
}

/**
 * Every runner's curve, the runners taking turns one point at a time.
 * `pageTimes`: the page's own times of the action within a span, sorted (scripts/bench/target.ts).
 */
export async function measureCurves(
  runners: readonly Runner[],
  target: string,
  timing: CurveTiming,
  log: (line: string) => void,
  pageTimes: (span: { from: number; to: number }) => Promise<number[]> = async () => [],
): Promise<Curve[]> {
  const searches = runners.map((runner) => new CurveSearch({ ...timing, vuLimit: timing.vuLimitOf?.[runner.name] ?? timing.vuLimit }));
  for (;;) {
    const turns = runners.map((runner, index) => ({ runner, search: searches[index]!, next: searches[index]!.next() })).filter((turn) => turn.next);
    if (turns.length === 0) break;
    for (const { runner, search, next } of turns) {
      const measureMs = timing.measureMsOf?.[runner.name] ?? next!.measureMs;
      const result = await runner.measure({ vus: next!.vus, target, warmupMs: timing.warmupMs, measureMs, ...(timing.thinkMs !== undefined ? { thinkMs: timing.thinkMs } : {}) });
      const measured = search.record(result, measureMs, result.span ? await pageTimes(result.span) : []);
      const floor = measured.harnessMs !== undefined ? `  page ${measured.pageP50!.toFixed(1)} ms (${signedMs(measured.harnessMs)})` : '';
      log(
        `  ${runner.name.padEnd(10)} ${String(result.vus).padStart(4)} ${runner.unit ?? 'VUs'}  p50 ${result.p50.toFixed(1)} ms (${measured.p50Ratio.toFixed(2)}x)${floor}  ` +
          `p95 ${result.p95.toFixed(1)} ms  ${result.samples} samples${result.droppedPct !== undefined ? `  dropped ${result.droppedPct.toFixed(1)}%` : ''}  CPU ${result.hostCpuPct.toFixed(0)}%  PSS ${measured.pssPerVuMb.toFixed(1)} MB/VU  ${measured.cpuMsPerIteration.toFixed(0)} CPU ms/iteration`,
      );
    }
  }
  return runners.map((runner, index) => searches[index]!.curve(runner));
}
