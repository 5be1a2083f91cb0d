// Static SVG line charts for report.html. No script: the file must render the
// same in a browser, a mail preview or a printout, and stay a single file.
import { bucketWindows } from '../buckets.js';
import { clock } from '../format.js';
import type { Report, ReportSeriesPoint } from '../../src/protocol/report.js';
import { maxOf } from '../../src/max-of.js';

/** Report strings (step names, error samples, hosts) are user-controlled. */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Distinguishable on white and in greyscale print; red stays reserved for failures. */
const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#92400e', '#475569', '#0f766e'];

export function stepColour(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#2563eb';
}

/** Beyond this a line carries no more visible detail at chart width, only bytes. */
export const MAX_POINTS_PER_LINE = 600;

const [WIDTH, HEIGHT] = [600, 240];
const MARGIN = { left: 66, right: 12, top: 12, bottom: 34 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

export interface ChartLine {
  name: string;
  colour: string;
  dashed?: boolean;
  /** one value per x; null where the series has nothing to show, drawn as a gap */
  values: ReadonlyArray<number | null>;
}

export type LegendEntry = Pick<ChartLine, 'colour' | 'dashed'> & { label: string };

export interface LineChart {
  id: string;
  title: string;
  yLabel: string;
  /** ms from the run's start */
  xs: readonly number[];
  xStart: number;
  xEnd: number;
  lines: readonly ChartLine[];
  legend: readonly LegendEntry[];
  formatTick: (value: number) => string;
}

function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** Whole clock units, so labels read 0:30, 1:00 rather than 0:27, 0:54. */
const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

function timeStep(spanMs: number): number {
  for (const seconds of TIME_STEPS_S) if (spanMs / (seconds * 1000) <= 8) return seconds * 1000;
  return niceStep(spanMs, 8);
}

function coord(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function svgOpen(chart: LineChart, extra = ''): string {
  const title = escapeHtml(chart.title);
  return (
    `<svg data-chart="${escapeHtml(chart.id)}" class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg"${extra}>` +
    `<title>${title}</title>`
  );
}

function legendHtml(entries: readonly LegendEntry[]): string {
  if (entries.length === 0) return '';
  const items = entries.map((e) => {
    const dash = e.dashed ? ' stroke-dasharray="4 3"' : '';
    const swatch = `<svg class="swatch" viewBox="0 0 22 8" aria-hidden="true"><line x1="1" y1="4" x2="21" y2="4" stroke="${e.colour}" stroke-width="2.5"${dash}/></svg>`;
    return `<li>${swatch}${escapeHtml(e.label)}</li>`;
  });
  return `<ul class="legend">${items.join('')}</ul>`;
}

function linePaths(line: ChartLine, x: (i: number) => number, y: (v: number) => number): string {
  const segments: Array<Array<[string, string]>> = [[]];
  line.values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) segments.push([]);
    else segments[segments.length - 1]?.push([coord(x(i)), coord(y(value))]);
  });
  const drawn = segments.filter((segment) => segment.length > 0);
  if (drawn.length === 0) return '';
  const name = escapeHtml(line.name);
  const dash = line.dashed ? ' stroke-dasharray="5 4"' : '';
  const d = drawn.map((segment) => 'M' + segment.map(([px, py]) => `${px},${py}`).join('L')).join('');
  // A one-point segment is an invisible path: a dot keeps it on the chart.
  const dots = drawn.flatMap((segment) => (segment.length === 1 ? segment : []));
  const circles = dots.map(([cx, cy]) => `<circle cx="${cx}" cy="${cy}" r="3" fill="${line.colour}"/>`).join('');
  return `<path data-series="${name}" d="${d}" fill="none" stroke="${line.colour}" stroke-width="1.8" stroke-linejoin="round"${dash}><title>${name}</title></path>${circles}`;
}

export function renderLineChart(chart: LineChart): string {
  const caption = `<figcaption>${escapeHtml(chart.title)}</figcaption>`;
  const values = chart.lines.flatMap((l) => l.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (chart.xs.length === 0 || values.length === 0) {
    const empty =
      svgOpen(chart, ' data-empty="true"') +
      `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" class="plot"/>` +
      `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" class="nodata">no data</text></svg>`;
    return `<figure class="chart-box">${caption}${empty}</figure>`;
  }

  const peak = maxOf(values);
  const yStep = peak > 0 ? niceStep(peak, 4) : 1;
  const yTop = peak > 0 ? Math.ceil(peak / yStep) * yStep : 1;
  const span = Math.max(chart.xEnd - chart.xStart, 1);
  const x = (i: number): number => MARGIN.left + ((chart.xs[i]! - chart.xStart) / span) * PLOT_W;
  const y = (v: number): number => MARGIN.top + PLOT_H - (v / yTop) * PLOT_H;

  const parts: string[] = [svgOpen(chart), `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" class="plot"/>`];
  for (let i = 0; i * yStep <= yTop + yStep / 1000; i++) {
    const value = i * yStep;
    const py = coord(y(value));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + PLOT_W}" y2="${py}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${py}" dy="0.32em" text-anchor="end" class="tick">${escapeHtml(chart.formatTick(value))}</text>`,
    );
  }
  const tStep = timeStep(span);
  for (let i = Math.ceil(chart.xStart / tStep); i * tStep <= chart.xEnd; i++) {
    const px = coord(MARGIN.left + ((i * tStep - chart.xStart) / span) * PLOT_W);
    parts.push(
      `<line x1="${px}" y1="${MARGIN.top + PLOT_H}" x2="${px}" y2="${MARGIN.top + PLOT_H + 4}" class="axis"/>`,
      `<text x="${px}" y="${MARGIN.top + PLOT_H + 17}" text-anchor="middle" class="tick">${clock(i * tStep)}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_H}" class="axis"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + PLOT_H}" x2="${MARGIN.left + PLOT_W}" y2="${MARGIN.top + PLOT_H}" class="axis"/>`,
    `<text transform="translate(11 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle" class="label">${escapeHtml(chart.yLabel)}</text>`,
    `<text x="${MARGIN.left + PLOT_W}" y="${HEIGHT - 3}" text-anchor="end" class="label">time from start</text>`,
  );
  for (const line of chart.lines) parts.push(linePaths(line, x, y));
  parts.push('</svg>');
  return `<figure class="chart-box">${caption}${parts.join('')}${legendHtml(chart.legend)}</figure>`;
}

// ---- from the report's series to the four charts

interface Bucket {
  /** midpoint, ms from run start */
  t: number;
  durationMs: number;
  points: readonly ReportSeriesPoint[];
}

/** Consecutive windows merged so no line exceeds MAX_POINTS_PER_LINE. */
function buckets(series: readonly ReportSeriesPoint[]): Bucket[] {
  return bucketWindows(series, MAX_POINTS_PER_LINE).map((points) => {
    const first = points[0]!;
    const last = points[points.length - 1]!;
    const durationMs = last.t + last.windowMs - first.t;
    return { t: first.t + durationMs / 2, durationMs, points };
  });
}

/** Report order first, then any step only the series knows. */
function stepNames(report: Report): string[] {
  const names = report.steps.map((s) => s.name);
  for (const point of report.series) for (const name of Object.keys(point.steps)) if (!names.includes(name)) names.push(name);
  return names;
}

/** Percentiles cannot be averaged, so a merged bucket shows its worst window. */
function peakLatency(bucket: Bucket, step: string, field: 'p50' | 'p95'): number | null {
  let peak: number | null = null;
  for (const point of bucket.points) {
    const latency = point.steps[step];
    if (latency && latency.count > latency.failed) peak = Math.max(peak ?? 0, latency[field]);
  }
  return peak;
}

function perSecond(bucket: Bucket, pick: (point: ReportSeriesPoint) => number): number {
  const windowSeconds = bucket.points.reduce((sum, p) => sum + p.windowMs, 0) / 1000;
  return bucket.points.reduce((sum, p) => sum + pick(p), 0) / windowSeconds;
}

/** Tick values are nice steps such as 0.025 or 2.5: keep their digits, drop float noise. */
function tidy(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function shortMs(ms: number): string {
  return ms >= 1000 ? `${tidy(ms / 1000)} s` : `${tidy(ms)} ms`;
}

function shortNumber(value: number): string {
  return value >= 1000 ? `${tidy(value / 1000)}k` : tidy(value);
}

/** What every chart of one report draws on. */
interface ChartContext {
  merged: ReturnType<typeof buckets>;
  base: { xs: number[]; xStart: number; xEnd: number };
  steps: Array<{ name: string; colour: string }>;
  stepLegend: LegendEntry[];
}

export function renderReportCharts(report: Report): string {
  const merged = buckets(report.series);
  const first = report.series[0];
  const last = report.series[report.series.length - 1];
  const steps = stepNames(report).map((name, i) => ({ name, colour: stepColour(i) }));
  const context: ChartContext = {
    merged,
    base: { xs: merged.map((b) => b.t), xStart: first?.t ?? 0, xEnd: last ? last.t + last.windowMs : report.run.windowMs },
    steps,
    stepLegend: steps.map((s) => ({ label: s.name, colour: s.colour })),
  };
  const note =
    merged.length < report.series.length
      ? `<p class="note">${report.series.length} windows merged into ${merged.length} points per line; latency shows each merged span's worst window.</p>`
      : '';
  return `<div class="charts">${latencyChart(context)}${vusChart(context)}${throughputChart(context)}${errorsChart(context)}</div>${note}`;
}

function latencyChart({ merged, base, steps, stepLegend }: ChartContext): string {
  return renderLineChart({
    ...base,
    id: 'latency',
    title: 'Response time per step (solid p95, dashed p50)',
    yLabel: 'ms',
    formatTick: shortMs,
    lines: steps.flatMap((s) => [
      { name: `${s.name} p95`, colour: s.colour, values: merged.map((b) => peakLatency(b, s.name, 'p95')) },
      { name: `${s.name} p50`, colour: s.colour, dashed: true, values: merged.map((b) => peakLatency(b, s.name, 'p50')) },
    ]),
    legend: [...stepLegend, { label: 'p95', colour: '#334155' }, { label: 'p50', colour: '#334155', dashed: true }],
  });
}

function vusChart({ merged, base }: ChartContext): string {
  return renderLineChart({
    ...base,
    id: 'vus',
    title: 'Active virtual users',
    yLabel: 'VUs',
    formatTick: shortNumber,
    lines: [{ name: 'vus', colour: '#2563eb', values: merged.map((b) => maxOf(b.points.map((p) => p.vus))) }],
    legend: [],
  });
}

function throughputChart({ merged, base, steps, stepLegend }: ChartContext): string {
  const lines: ChartLine[] = steps.map((s) => ({
    name: s.name,
    colour: s.colour,
    values: merged.map((b) => perSecond(b, (p) => p.steps[s.name]?.count ?? 0)),
  }));
  if (steps.length > 1) {
    const total = (p: ReportSeriesPoint): number => Object.values(p.steps).reduce((sum, l) => sum + l.count, 0);
    lines.push({ name: 'all steps', colour: '#111827', dashed: true, values: merged.map((b) => perSecond(b, total)) });
  }
  return renderLineChart({
    ...base,
    id: 'throughput',
    title: 'Throughput (step attempts per second)',
    yLabel: 'per second',
    formatTick: shortNumber,
    lines,
    legend: [...stepLegend, ...(steps.length > 1 ? [{ label: 'all steps', colour: '#111827', dashed: true }] : [])],
  });
}

function errorsChart({ merged, base, steps, stepLegend }: ChartContext): string {
  return renderLineChart({
    ...base,
    id: 'errors',
    title: 'Failed step attempts per second',
    yLabel: 'errors per second',
    formatTick: shortNumber,
    lines: steps.map((s) => ({
      name: `${s.name} failed`,
      colour: s.colour,
      values: merged.map((b) => perSecond(b, (p) => p.steps[s.name]?.failed ?? 0)),
    })),
    legend: stepLegend,
  });
}
