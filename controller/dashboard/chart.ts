// asciichart plots sized to a box: the data is bucketed to the box's width
// before it gets here; this fits labels and height and never overflows.
import asciichart from 'asciichart';

export const SERIES_COLORS = [asciichart.cyan, asciichart.magenta, asciichart.yellow, asciichart.green, asciichart.blue, asciichart.red, asciichart.lightcyan, asciichart.lightmagenta];

/** Width the y-axis labels and the axis take; the rest is one column per point. */
export const AXIS_WIDTH = 9;

export function pointsFor(width: number): number {
  return Math.max(2, width - AXIS_WIDTH - 1);
}

const ANSI = /\x1b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/** Plots `series` in at most `height` lines; an empty chart says so instead. */
export function renderChart(
  series: ReadonlyArray<{ values: readonly number[] }>,
  options: { height: number; format: (value: number) => string; colors?: readonly string[] },
): string[] {
  const clean = series.map((s) => s.values.map((v) => (Number.isFinite(v) ? v : 0)));
  if (clean.every((values) => values.length === 0)) return ['(waiting for the first window)'];
  const max = Math.max(...clean.flat());
  const min = Math.min(0, ...clean.flat());
  const height = Math.max(1, options.height - 1);
  const plot = asciichart.plot(
    clean.map((values) => (values.length === 1 ? [values[0]!, values[0]!] : values)),
    {
      height,
      min,
      // A flat line still gets an axis with some room above it.
      max: max > min ? max : min + 1,
      offset: 2,
      padding: ' '.repeat(AXIS_WIDTH - 2),
      format: (value: number) => options.format(value).padStart(AXIS_WIDTH - 2).slice(-(AXIS_WIDTH - 2)),
      ...(options.colors ? { colors: [...options.colors] } : {}),
    },
  );
  return plot.split('\n');
}
