// Mergeable latency histogram with logarithmic buckets (the DDSketch
// mapping): any quantile it reports is within RELATIVE_ACCURACY of a value
// that was recorded at that rank, and merging two histograms is adding
// their bucket counts, so the merge of many agents equals the histogram of
// all their samples.
import type { Histogram } from '../protocol/messages.js';

export const RELATIVE_ACCURACY = 0.005;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Below one microsecond every latency is the same to us. */
const MIN_MS = 0.001;

export function bucketOf(ms: number): number {
  return Math.ceil(Math.log(Math.max(ms, MIN_MS)) / LOG_GAMMA);
}

/** The representative value of a bucket: relative error at most RELATIVE_ACCURACY. */
export function bucketValue(bucket: number): number {
  return (2 * Math.pow(GAMMA, bucket)) / (GAMMA + 1);
}

export class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;

  static fromWire(wire: Histogram): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.addWire(wire);
    return histogram;
  }

  get count(): number {
    return this.total;
  }

  record(ms: number, times = 1): void {
    const bucket = bucketOf(ms);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + times);
    this.total += times;
  }

  add(other: LatencyHistogram): void {
    for (const [bucket, count] of other.buckets) {
      this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + count);
    }
    this.total += other.total;
  }

  /** Adds "bucket:count,…" (validated by HistogramSchema); a hand-rolled scan, as the controller does this for every window. */
  addWire(wire: Histogram): void {
    let bucket = 0;
    let value = 0;
    let negative = false;
    for (let i = 0; i <= wire.length; i += 1) {
      const code = i < wire.length ? wire.charCodeAt(i) : 44;
      if (code >= 48 && code <= 57) value = value * 10 + (code - 48);
      else if (code === 45) negative = true;
      else if (code === 58) {
        bucket = negative ? -value : value;
        value = 0;
        negative = false;
      } else if (i > 0) {
        this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + value);
        this.total += value;
        value = 0;
      }
    }
  }

  /** Nearest-rank quantile, q in [0, 1]; NaN when empty. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const bucket of this.sortedBuckets()) {
      seen += this.buckets.get(bucket)!;
      if (seen >= rank) return bucketValue(bucket);
    }
    return bucketValue(this.sortedBuckets().at(-1)!);
  }

  toWire(): Histogram {
    return this.sortedBuckets()
      .map((bucket) => `${bucket}:${this.buckets.get(bucket)!}`)
      .join(',');
  }

  private sortedBuckets(): number[] {
    return [...this.buckets.keys()].sort((a, b) => a - b);
  }
}
