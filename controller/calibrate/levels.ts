// squall calibrate: the reference workload in growing steps on each host, and
// the most VUs each host ran with its measurements still true. The plan is
// pure (levels), and so is the analysis of the windows it produced.
import { StepTable } from '../../src/metrics/merge.js';
import type { WindowBody } from '../../src/protocol/messages.js';
import type { ClosedPlan } from '../../src/protocol/plan.js';

export const CALIBRATION_STEP = 'product';
/** Most the p50 may grow over the 1-VU p50 while a host's numbers still count as true. */
export const FIDELITY_LIMIT = 1.2;
export const MAX_FAILED_PCT = 1;

/** One rule for "measures true", shared by calibrate's maxVUs and the benchmark's VU capacity. */
export function keepsFidelity(level: { p50Ratio: number; failedPct: number; samples: number }): boolean {
  return level.samples > 0 && Number.isFinite(level.p50Ratio) && level.p50Ratio <= FIDELITY_LIMIT && level.failedPct < MAX_FAILED_PCT;
}
const LEVELS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];
const RAMP_MS = 1000;
const MAX_WINDOW_MS = 3000;
/** A hold must fit a few whole windows, wherever the wall-clock window edges fall. */
export const MIN_HOLD_MS = 4000;

/**
 * Windows are aligned to the wall clock, not to t0, so a hold of h ms holds at
 * least floor(h / w) - 1 whole windows of w ms: a quarter of the hold (whole
 * seconds, 1 s to 3 s) leaves three or more.
 */
export function calibrationWindowMs(holdMs: number): number {
  return Math.min(MAX_WINDOW_MS, Math.max(1000, Math.floor(holdMs / 4 / 1000) * 1000));
}

export interface CalibrationLevel {
  vus: number;
  /** when this level's hold starts and ends, ms from t0 */
  fromMs: number;
  toMs: number;
}

/** Levels up to `maxVus`, each reached in 1 s and held for `holdMs`. */
export function calibrationLevels(maxVus: number, holdMs: number): CalibrationLevel[] {
  const vus = [...LEVELS.filter((n) => n < maxVus), maxVus];
  let at = 0;
  return vus.map((n) => {
    const level = { vus: n, fromMs: at + RAMP_MS, toMs: at + RAMP_MS + holdMs };
    at = level.toMs;
    return level;
  });
}

/** One host's plan; every host runs all of it. */
export function calibrationPlan(levels: readonly CalibrationLevel[]): ClosedPlan {
  return {
    startVus: 0,
    stages: levels.flatMap((level) => [
      { durationMs: RAMP_MS, target: level.vus },
      { durationMs: level.toMs - level.fromMs, target: level.vus },
    ]),
    gracefulStopMs: 10_000,
  };
}

export interface LevelResult {
  vus: number;
  p50: number;
  samples: number;
  failedPct: number;
  cpuPct: number;
  saturated: boolean;
  /** p50 over the 1-VU level's */
  ratio: number;
  ok: boolean;
}

export interface HostCalibration {
  host: string;
  baselineP50: number;
  levels: LevelResult[];
  /** the most VUs that stayed within +20 % of the baseline, unsaturated and with under 1 % failures */
  suggestedMaxVus: number;
}

export function analyseHost(host: string, windows: readonly WindowBody[], levels: readonly CalibrationLevel[], t0: number): HostCalibration {
  const results: Array<Omit<LevelResult, 'ratio' | 'ok'>> = levels.map((level) => {
    // Windows wholly inside the hold, with every VU of the level running all along (VUs start 10 a second).
    const inside = windows.filter(
      (w) => w.windowStart >= t0 + level.fromMs && w.windowStart + w.windowMs <= t0 + level.toMs && w.vus.min >= level.vus,
    );
    const table = new StepTable();
    for (const w of inside) table.add(w.steps);
    const step = table.get(CALIBRATION_STEP);
    return {
      vus: level.vus,
      p50: step.percentile(0.5),
      samples: step.count,
      failedPct: step.count > 0 ? (100 * step.failed) / step.count : 0,
      cpuPct: inside.length > 0 ? inside.reduce((sum, w) => sum + w.resources.hostCpuPct, 0) / inside.length : 0,
      saturated: inside.some((w) => w.saturated),
    };
  });
  const baselineP50 = results[0]?.p50 ?? 0;
  let suggested = 0;
  let stillGood = true;
  const scored = results.map((r) => {
    const ratio = baselineP50 > 0 ? r.p50 / baselineP50 : Number.NaN;
    const ok = keepsFidelity({ p50Ratio: ratio, failedPct: r.failedPct, samples: r.samples }) && !r.saturated;
    // Capacity is the last level of the first unbroken run of good ones.
    if (ok && stillGood) suggested = r.vus;
    else stillGood = false;
    return { ...r, ratio, ok };
  });
  return { host, baselineP50, levels: scored, suggestedMaxVus: suggested };
}
