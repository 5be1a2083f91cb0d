// report.html's account of the load: an arrival-rate run's rate (held or not,
// asked against started window by window, drops, VUs kept) and a scenario's
// flows (the mix asked against the mix started).
import { peakRate } from '../../src/load/arrival.js';
import type { Report } from '../../src/protocol/report.js';
import { bucketWindows } from '../buckets.js';
import { rateText } from '../progress.js';
import { arrivalText } from './arrival.js';
import { escapeHtml, MAX_POINTS_PER_LINE, renderLineChart } from './html-charts.js';
import { cell, COUNT, section, table, textCell } from './html-parts.js';

export function arrivalSection(report: Report): string {
  const arrival = report.arrival;
  if (report.arrivals) {
    // A run whose flows have loads of their own: an account per arrival-rate load.
    const parts = report.arrivals.map((load) => `<h3>${escapeHtml(load.flows.join(', '))}</h3>${arrivalAccount(report, load)}`);
    return section('arrivals', 'Arrivals', parts.join(''));
  }
  if (!arrival) return '';
  return section('arrivals', 'Arrivals', arrivalAccount(report, arrival) + `<div class="charts">${rateChart(report)}</div>`);
}

function arrivalAccount(report: Report, arrival: NonNullable<Report['arrival']>): string {
  const held = arrival.dropped === 0 && !arrival.notRun;
  const [first, ...rest] = arrivalText(arrival, Date.parse(report.run.startedAt));
  const verdict = `<p class="verdict ${held ? 'ok' : 'bad'}" data-field="arrivalVerdict">${escapeHtml(first!)}</p>${rest.map((line) => `<p class="note">${escapeHtml(line.trim())}</p>`).join('')}`;
  const row =
    '<tr>' +
    textCell('asked', `${arrival.stages.length > 1 ? `${arrival.stages.length} stages up to ` : ''}${rateText(peakRate(arrival), arrival.perMs)}, ${arrival.distribution}`) +
    cell('expected', arrival.expected, COUNT.format(arrival.expected)) +
    cell('started', arrival.started, COUNT.format(arrival.started)) +
    cell('dropped', arrival.dropped, `${COUNT.format(arrival.dropped)} (${arrival.droppedPct}%)`, arrival.dropped > 0 ? 'num fail' : 'num') +
    cell('targetRate', arrival.targetRate, `${arrival.targetRate}/s`) +
    cell('achievedRate', arrival.achievedRate, `${arrival.achievedRate}/s`) +
    cell('allocatedMax', arrival.allocatedMax, `${arrival.allocatedMax} of ${arrival.maxVus} (${arrival.preAllocatedVus} pre-allocated)`) +
    '</tr>';
  return verdict + table(['Asked', 'Due', 'Started', 'Dropped', 'Rate asked', 'Rate started', 'VUs kept'], [row]);
}

function rateChart(report: Report): string {
  const merged = bucketWindows(report.series, MAX_POINTS_PER_LINE);
  const seconds = (points: typeof report.series) => points.reduce((sum, p) => sum + p.windowMs, 0) / 1000;
  const perSecond = (pick: (p: (typeof report.series)[number]) => number) => merged.map((points) => points.reduce((sum, p) => sum + pick(p), 0) / seconds(points));
  const first = report.series[0];
  const last = report.series.at(-1);
  return renderLineChart({
    id: 'arrival-rate',
    title: 'Iterations per second: asked, started and dropped',
    yLabel: 'per second',
    xs: merged.map((points) => points[0]!.t + seconds(points) * 500),
    xStart: first?.t ?? 0,
    xEnd: last ? last.t + last.windowMs : report.run.windowMs,
    formatTick: (v) => String(Number(v.toPrecision(4))),
    lines: [
      { name: 'asked', colour: '#475569', dashed: true, values: perSecond((p) => ((p.targetRate ?? 0) * p.windowMs) / 1000) },
      { name: 'started', colour: '#059669', values: perSecond((p) => p.iterations.started) },
      { name: 'dropped', colour: '#dc2626', values: perSecond((p) => p.iterations.dropped ?? 0) },
    ],
    legend: [
      { label: 'asked', colour: '#475569', dashed: true },
      { label: 'started', colour: '#059669' },
      { label: 'dropped', colour: '#dc2626' },
    ],
  });
}

export function flowsSection(report: Report): string {
  const flows = report.flows;
  if (!flows) return '';
  const dropped = flows.some((f) => f.dropped !== undefined) ? ['Dropped'] : [];
  const busy = flows.some((f) => f.busyMax !== undefined) ? ['Most running'] : [];
  const kept = flows.some((f) => f.allocatedMax !== undefined) ? ['VUs kept'] : [];
  const rows = flows.map(
    (f) =>
      `<tr data-flow="${escapeHtml(f.name)}"><th scope="row">${escapeHtml(f.name)}</th>` +
      (f.load !== undefined ? textCell('load', `its own: ${f.load}`) : cell('weight', f.weight ?? 1, `weight ${f.weight}`)) +
      (f.askedPct !== undefined ? cell('askedPct', f.askedPct, `${f.askedPct}%`) : textCell('askedPct', '')) +
      cell('startedPct', f.startedPct, `${f.startedPct}%`) +
      cell('started', f.started, COUNT.format(f.started)) +
      cell('completed', f.completed, COUNT.format(f.completed)) +
      cell('failed', f.failed, COUNT.format(f.failed), f.failed > 0 ? 'num fail' : 'num') +
      (dropped.length > 0 ? cell('dropped', f.dropped ?? 0, COUNT.format(f.dropped ?? 0), (f.dropped ?? 0) > 0 ? 'num fail' : 'num') : '') +
      (busy.length > 0 ? cell('busyMax', f.busyMax ?? 0, COUNT.format(f.busyMax ?? 0)) : '') +
      (kept.length > 0 ? (f.allocatedMax !== undefined ? cell('allocatedMax', f.allocatedMax, COUNT.format(f.allocatedMax)) : textCell('allocatedMax', '')) : '') +
      '</tr>',
  );
  const headers = ['Flow', 'Load', 'Mix asked', 'Mix started', 'Started', 'Completed', 'Failed', ...dropped, ...busy, ...kept];
  return section('flows', 'Flows', table(headers, rows) + '<p class="note">Their steps are named &lt;flow&gt;/&lt;step&gt; in the tables and charts.</p>');
}
