// What every load runner in the benchmark reports for one VU count.
export interface MeasureOptions {
  vus: number;
  target: string;
  /** VUs run this long before samples count */
  warmupMs: number;
  measureMs: number;
  /** the reference scenario's think time (default 1000 ms): shorter in the smoke mode */
  thinkMs?: number;
}

/** The reference scenario's env for these options. */
export function referenceEnv(options: Pick<MeasureOptions, 'target' | 'thinkMs'>): Record<string, string> {
  return { TARGET: options.target, ...(options.thinkMs !== undefined ? { THINK_MS: String(options.thinkMs) } : {}) };
}

export interface PointResult {
  vus: number;
  /** the fixed-latency step's latency over the measurement window, ms */
  p50: number;
  p95: number;
  samples: number;
  failedPct: number;
  hostCpuPct: number;
  browserPssMb: number;
  browserProcesses: number;
  /** CPU ms the load generator's own processes (agent, browsers; not the target, not this process) spent over the span, when measured */
  generatorCpuMs?: number;
  /** every step of the scenario that ended in the span (3 per iteration): a finer count of the work done than samples */
  stepsInSpan?: number;
  /** an arrival-rate point: arrivals due in the span that found no free VU, % */
  droppedPct?: number;
  /** the measured span (epoch ms): the page's own timings of the same span are the floor */
  span?: { from: number; to: number };
}

export interface Runner {
  name: string;
  describe: string;
  /** what MeasureOptions.vus counts for this runner, in its log lines: "VUs" unless said ("/s" for an arrival rate) */
  unit?: string;
  measure(options: MeasureOptions): Promise<PointResult>;
}

/** The step of the reference scenario whose server latency is fixed: the one squall calibrate measures. */
export { CALIBRATION_STEP as FIDELITY_STEP } from '../../../controller/calibrate/levels.js';

export function exactPercentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}
