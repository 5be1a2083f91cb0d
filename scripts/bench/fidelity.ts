// The fidelity curve of one runner: its 1-VU baseline, then 2, 4, 8, … VUs
// until the fixed-latency step's p50 leaves +20 % of that baseline, then a
// bisection between the last good and the first bad count. Its VU capacity
// is the largest count that stayed within +20 % with under 1 % failures.
import { keepsFidelity } from '../../controller/calibrate.js';
import type { PointResult, Runner } from './runners/types.js';

export { FIDELITY_LIMIT } from '../../controller/calibrate.js';

export interface CurveTiming {
  warmupMs: number;
  measureMs: number;
  /** the 1-VU baseline gets this long: it has few samples per second */
  baselineMs: number;
  /** bisection steps after doubling found the edge */
  refineSteps: number;
  maxVus: number;
  /** stop doubling here even when still within the limit */
  vuLimit?: number;
}

export interface CurvePoint extends PointResult {
  /** p50 over the 1-VU baseline's p50 */
  p50Ratio: number;
  p95Ratio: number;
  pssPerVuMb: number;
  withinLimit: boolean;
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

function point(result: PointResult, baseline: PointResult): CurvePoint {
  const p50Ratio = result.p50 / baseline.p50;
  return {
    ...result,
    p50Ratio,
    p95Ratio: result.p95 / baseline.p95,
    pssPerVuMb: result.browserPssMb / result.vus,
    withinLimit: keepsFidelity({ p50Ratio, failedPct: result.failedPct, samples: result.samples }),
  };
}

export async function measureCurve(runner: Runner, target: string, timing: CurveTiming, log: (line: string) => void): Promise<Curve> {
  const measure = async (vus: number, measureMs: number) => {
    const result = await runner.measure({ vus, target, warmupMs: timing.warmupMs, measureMs });
    log(`  ${runner.name.padEnd(10)} ${String(vus).padStart(4)} VUs  p50 ${result.p50.toFixed(1)} ms  p95 ${result.p95.toFixed(1)} ms  ` +
      `${result.samples} samples  CPU ${result.hostCpuPct.toFixed(0)}%  PSS ${(result.browserPssMb / vus).toFixed(1)} MB/VU`);
    return result;
  };
  const baselineResult = await measure(1, timing.baselineMs);
  const baseline = point(baselineResult, baselineResult);
  const points: CurvePoint[] = [baseline];
  let good = baseline.withinLimit ? 1 : 0;
  let bad: number | undefined;
  for (let vus = 2; vus <= timing.maxVus && bad === undefined; vus *= 2) {
    const p = point(await measure(vus, timing.measureMs), baselineResult);
    points.push(p);
    if (p.withinLimit) good = vus;
    else bad = vus;
    if (timing.vuLimit !== undefined && vus >= timing.vuLimit) break;
  }
  for (let step = 0; step < timing.refineSteps && bad !== undefined && bad - good > 1; step += 1) {
    const vus = Math.round((good + bad) / 2);
    const p = point(await measure(vus, timing.measureMs), baselineResult);
    points.push(p);
    if (p.withinLimit) good = vus;
    else bad = vus;
  }
  points.sort((a, b) => a.vus - b.vus);
  const atCapacity = points.find((p) => p.vus === good);
  return {
    runner: runner.name,
    describe: runner.describe,
    baseline,
    points,
    capacity: good,
    pssPerVuMbAtCapacity: atCapacity?.pssPerVuMb ?? Number.NaN,
  };
}
