// Exact counts plus a mergeable histogram for one step, in one window or
// over a whole run. Latency figures describe successful attempts only: a
// step that threw after a 30 s timeout says nothing about response time.
import type { ErrorTally, StepWindow } from '../protocol/messages.js';
import { LatencyHistogram } from './histogram.js';
import { boundText, MAX_ERROR_CLASS_CHARS, saneMeasure } from '../bounded-text.js';

/** Bounds what a misbehaving scenario can put on the wire. */
const MAX_ERROR_CLASSES = 20;
const MAX_SAMPLE_CHARS = 300;

export interface StepSummary {
  count: number;
  failed: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export class ErrorTallyBuilder {
  private readonly tally = new Map<string, { count: number; sample: string }>();

  add(anyErrorClass: string, sample: string, count = 1): void {
    // Bounded here too: windows from an older or foreign agent are merged by the same builder.
    const errorClass = boundText(anyErrorClass, MAX_ERROR_CLASS_CHARS);
    const known = this.tally.get(errorClass);
    if (known) {
      known.count += count;
      return;
    }
    const key = this.tally.size < MAX_ERROR_CLASSES ? errorClass : 'Other';
    const entry = this.tally.get(key);
    if (entry) entry.count += count;
    else this.tally.set(key, { count, sample: sample.slice(0, MAX_SAMPLE_CHARS) });
  }

  addAll(tally: ErrorTally): void {
    for (const [errorClass, { count, sample }] of Object.entries(tally)) this.add(errorClass, sample, count);
  }

  toWire(): ErrorTally {
    return Object.fromEntries([...this.tally].map(([k, v]) => [k, { ...v }]));
  }
}

export class StepAccumulator {
  count = 0;
  failed = 0;
  sumMs = 0;
  minMs = Number.POSITIVE_INFINITY;
  maxMs = 0;
  readonly hist = new LatencyHistogram();
  readonly errors = new ErrorTallyBuilder();

  static of(window: StepWindow): StepAccumulator {
    const acc = new StepAccumulator();
    acc.addWindow(window);
    return acc;
  }

  recordSuccess(anyMs: number): void {
    const ms = saneMeasure(anyMs) ?? 0;
    this.count += 1;
    this.sumMs += ms;
    this.minMs = Math.min(this.minMs, ms);
    this.maxMs = Math.max(this.maxMs, ms);
    this.hist.record(ms);
  }

  recordFailure(errorClass: string, message: string): void {
    this.count += 1;
    this.failed += 1;
    this.errors.add(errorClass, message);
  }

  addWindow(window: StepWindow): void {
    this.count += window.count;
    this.failed += window.failed;
    if (window.count > window.failed) {
      this.sumMs += window.sumMs;
      this.minMs = Math.min(this.minMs, window.minMs);
      this.maxMs = Math.max(this.maxMs, window.maxMs);
    }
    this.hist.addWire(window.hist);
    this.errors.addAll(window.errors);
  }

  get succeeded(): number {
    return this.count - this.failed;
  }

  toWire(): StepWindow {
    const any = this.succeeded > 0;
    return {
      count: this.count,
      failed: this.failed,
      sumMs: this.sumMs,
      minMs: any ? this.minMs : 0,
      maxMs: this.maxMs,
      hist: this.hist.toWire(),
      errors: this.errors.toWire(),
    };
  }

  /** Percentiles come from the histogram, clamped to the exact min and max. */
  percentile(q: number): number {
    if (this.succeeded === 0) return 0;
    return Math.min(this.maxMs, Math.max(this.minMs, this.hist.quantile(q)));
  }

  summary(): StepSummary {
    const any = this.succeeded > 0;
    return {
      count: this.count,
      failed: this.failed,
      min: any ? this.minMs : 0,
      mean: any ? this.sumMs / this.succeeded : 0,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p95: this.percentile(0.95),
      p99: this.percentile(0.99),
      max: this.maxMs,
    };
  }
}
