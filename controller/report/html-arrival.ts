// report.html's account of an arrival-rate run: was the rate held, the rate
// asked against the rate started window by window, the drops and the VUs kept.
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
  const peak = Math.max(arrival.startRate, ...arrival.stages.map((s) => s.rate));
  const row =
    '<tr>' +
    textCell('asked', `${arrival.stages.length > 1 ? `${arrival.stages.length} stages up to ` : ''}${rateText(peak, arrival.perMs)}, ${arrival.distribution}`) +
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
