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
  if (!arrival) return '';
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
  const numbers = table(['Asked', 'Due', 'Started', 'Dropped', 'Rate asked', 'Rate started', 'VUs kept'], [row]);
  return section('arrivals', 'Arrivals', verdict + numbers + `<div class="charts">${rateChart(report)}</div>`);
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
  const rows = flows.map(
    (f) =>
      `<tr data-flow="${escapeHtml(f.name)}"><th scope="row">${escapeHtml(f.name)}</th>` +
      cell('weight', f.weight, String(f.weight)) +
      cell('askedPct', f.askedPct, `${f.askedPct}%`) +
      cell('startedPct', f.startedPct, `${f.startedPct}%`) +
      cell('started', f.started, COUNT.format(f.started)) +
      cell('completed', f.completed, COUNT.format(f.completed)) +
      cell('failed', f.failed, COUNT.format(f.failed), f.failed > 0 ? 'num fail' : 'num') +
      (f.dropped !== undefined ? cell('dropped', f.dropped, COUNT.format(f.dropped), f.dropped > 0 ? 'num fail' : 'num') : '') +
      '</tr>',
  );
  const dropped = flows.some((f) => f.dropped !== undefined) ? ['Dropped'] : [];
  const headers = ['Flow', 'Weight', 'Mix asked', 'Mix started', 'Started', 'Completed', 'Failed', ...dropped];
  return section('flows', 'Flows', table(headers, rows) + '<p class="note">Their steps are named &lt;flow&gt;/&lt;step&gt; in the tables and charts.</p>');
}
