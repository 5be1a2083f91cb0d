import { describe, expect, it } from 'vitest';
import { LatencyHistogram, RELATIVE_ACCURACY } from './histogram.js';

/** A deterministic pseudo-random source, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function latencies(count: number, seed: number, scale: number): number[] {
  const next = random(seed);
  // Log-normal-ish: most around `scale`, a long tail.
  return Array.from({ length: count }, () => scale * Math.exp(2 * (next() + next() + next() - 1.5)));
}

describe('LatencyHistogram', () => {
  it('reports quantiles within the relative accuracy of the exact ones', () => {
    const values = latencies(20_000, 7, 300);
    const histogram = new LatencyHistogram();
    for (const v of values) histogram.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-9);
    }
  });

  it('merged histograms equal the histogram of the union, within 1 % of the exact percentiles', () => {
    const parts = [latencies(5000, 1, 120), latencies(3000, 2, 400), latencies(7000, 3, 900), latencies(10, 4, 5000)];
    const merged = new LatencyHistogram();
    const union = new LatencyHistogram();
    for (const part of parts) {
      const h = new LatencyHistogram();
      for (const v of part) {
        h.record(v);
        union.record(v);
      }
      // Through the wire format, as agents send them.
      merged.add(LatencyHistogram.fromWire(JSON.parse(JSON.stringify(h.toWire()))));
    }
    expect(merged.toWire()).toEqual(union.toWire());
    const sorted = parts.flat().sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(merged.quantile(q) - exact) / exact).toBeLessThan(0.01);
    }
  });

  it('is NaN when empty and counts every sample', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.5)).toBeNaN();
    h.record(0);
    h.record(12.5, 3);
    expect(h.count).toBe(4);
    expect(h.quantile(1)).toBeCloseTo(12.5, 0);
  });
});
