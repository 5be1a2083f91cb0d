// A distribution of values that merges: exact count, sum, min and max, and
// the log-bucketed histogram for quantiles. Request phases and Web Vitals use
// it; steps keep their own accumulator (it also counts failures and errors).
import type { Distribution } from '../protocol/messages.js';
import { LatencyHistogram } from './histogram.js';

export class DistributionAccumulator {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  readonly hist = new LatencyHistogram();

  static of(wire: Distribution | undefined): DistributionAccumulator {
    const acc = new DistributionAccumulator();
    if (wire) acc.addWire(wire);
    return acc;
  }

  record(value: number): void {
    this.count += 1;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
    this.hist.record(value);
  }

  addWire(wire: Distribution): void {
    this.count += wire.count;
    this.sum += wire.sum;
    this.min = Math.min(this.min, wire.min);
    this.max = Math.max(this.max, wire.max);
    this.hist.addWire(wire.hist);
  }

  /** Quantile from the histogram, clamped to the exact min and max; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    return Math.min(this.max, Math.max(this.min, this.hist.quantile(q)));
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** Undefined when nothing was recorded: an absent field on the wire. */
  toWire(): Distribution | undefined {
    if (this.count === 0) return undefined;
    return { count: this.count, sum: this.sum, min: this.min, max: this.max, hist: this.hist.toWire() };
  }
}

/** Distributions by name, added to as they come: the phases of a request, the vitals of a page view. */
export class DistributionSet<K extends string> {
  readonly byName = new Map<K, DistributionAccumulator>();

  get(name: K): DistributionAccumulator {
    let acc = this.byName.get(name);
    if (!acc) {
      acc = new DistributionAccumulator();
      this.byName.set(name, acc);
    }
    return acc;
  }

  addWire(wire: Partial<Record<K, Distribution | undefined>>, names: readonly K[]): void {
    for (const name of names) {
      const value = wire[name];
      if (value) this.get(name).addWire(value);
    }
  }

  toWire(names: readonly K[]): Partial<Record<K, Distribution>> {
    const out: Partial<Record<K, Distribution>> = {};
    for (const name of names) {
      const wire = this.byName.get(name)?.toWire();
      if (wire) out[name] = wire;
    }
    return out;
  }
}
