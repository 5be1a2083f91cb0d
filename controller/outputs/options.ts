// What every exporter of a run's windows is configured with.

export interface ExporterOptions {
  /** latency quantiles exported per window and over the run so far, 0..1 */
  quantiles: readonly number[];
  /** most distinct values one label (step, request label, agent) takes before the rest are folded into "other" */
  maxLabelValues: number;
  /** most bytes of payloads held for a target that is down; past it the oldest windows are dropped (counted) */
  budgetBytes: number;
  /** how long one request to the target may take */
  requestTimeoutMs: number;
}

export const DEFAULT_EXPORTER_OPTIONS: ExporterOptions = {
  quantiles: [0.5, 0.9, 0.95, 0.99],
  maxLabelValues: 200,
  budgetBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 10_000,
};

/** The label value past the cap: "other", as URL labels already fold. */
export const FOLDED_LABEL = 'other';
