// How report.json rounds: to hundredths, so every format and every
// threshold verdict shows the same number.
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `part` of `whole` in percent, to hundredths; 0 of nothing is 0. */
export function sharePct(part: number, whole: number): number {
  return whole > 0 ? round((100 * part) / whole) : 0;
}
