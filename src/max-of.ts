// Math.max(...values) passes every value as an argument: past about 100,000
// of them (a soak's windows) it throws "Maximum call stack size exceeded".

/** The largest of `values`, as Math.max gives it (-Infinity for none), for any number of them. */
export function maxOf(values: Iterable<number>): number {
  let max = -Infinity;
  for (const value of values) {
    if (Number.isNaN(value)) return NaN;
    if (value > max) max = value;
  }
  return max;
}
