// The neutral form every metrics exporter starts from: one batch per
// complete window, counters cumulative since the run's start (so a dropped
// batch loses resolution, never totals), summaries with this window's
// quantiles and cumulative count and sum. Prometheus remote-write and OTLP
// each encode it their way; names here carry neither prefix nor suffix.

export type MetricLabels = Readonly<Record<string, string>>;

interface PointBase {
  /** e.g. "step_attempts"; Prometheus writes squall_step_attempts_total, OTLP squall.step_attempts */
  name: string;
  help: string;
  /** UCUM-ish: "ms", "1", "%", "By", "MBy" */
  unit: string;
  labels: MetricLabels;
}

export type MetricPoint =
  /** cumulative since the run's start */
  | (PointBase & { kind: 'counter'; value: number })
  /** a value at the window's end */
  | (PointBase & { kind: 'gauge'; value: number })
  /** count and sum cumulative since the run's start; quantiles of this window's samples */
  | (PointBase & { kind: 'summary'; count: number; sum: number; quantiles: ReadonlyArray<{ quantile: number; value: number }> });

export interface MetricBatch {
  /** the window's end, epoch ms: every point's timestamp */
  timestampMs: number;
  /** the load's start (t0), epoch ms: cumulative points count from it */
  startMs: number;
  points: MetricPoint[];
}
