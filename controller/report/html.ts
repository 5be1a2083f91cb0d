// report.html: one self-contained page a person can open, mail or print. It
// loads nothing, runs no script (the CSP forbids both, so even an escaping
// slip cannot execute), and marks key numbers with data-* hooks for tests.
import { SATURATION_CPU_PCT } from '../../src/limits.js';
import { formatDuration } from '../../src/load/duration.js';
import type { Report, ReportAgent, ReportStep, ThresholdResult } from '../../src/protocol/report.js';
import { clock } from '../format.js';
import { PARTIAL_NOTE, lossText } from './summary.js';
import { escapeHtml, renderReportCharts } from './html-charts.js';
import { arrivalSection, flowsSection } from './html-load.js';
import { COUNT, cell, formatNumber, formatPct, htmlMs, section, table, textCell } from './html-parts.js';
import { evidenceBlock, EVIDENCE_STYLE, pageViewsSection, requestsSection } from './html-browser.js';

export { escapeHtml } from './html-charts.js';
export { htmlMs } from './html-parts.js';

/** UTC, so the same report reads the same wherever it is opened. */
function formatInstant(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function statusBadge(status: string, good: readonly string[]): string {
  const tone = good.includes(status) ? 'ok' : 'bad';
  return `<span class="badge ${tone}">${escapeHtml(status)}</span>`;
}

function overallVerdict(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0) return '<div id="verdict" class="verdict none" data-passed="none">No thresholds set</div>';
  const failed = thresholds.filter((t) => !t.passed).length;
  if (failed === 0) return `<div id="verdict" class="verdict ok" data-passed="true">Thresholds passed (${thresholds.length} of ${thresholds.length})</div>`;
  return `<div id="verdict" class="verdict bad" data-passed="false">Thresholds failed (${failed} of ${thresholds.length} failed)</div>`;
}

function metadata(report: Report): string {
  const { run, iterations } = report;
  const items: Array<[string, string, string]> = [
    ['id', 'Run', escapeHtml(run.id)],
    ['scenario', 'Scenario', escapeHtml(run.scenario)],
    ['status', 'Status', statusBadge(run.status, ['completed'])],
    ...(run.stoppedBy
      ? [
          [
            'stoppedBy',
            'Stopped by',
            `<span class="fail">threshold ${escapeHtml(`${run.stoppedBy.threshold.target}: ${run.stoppedBy.threshold.expression}`)} at ${escapeHtml(formatDuration(run.stoppedBy.atMs))} into the load (${escapeHtml(run.stoppedBy.detail)})</span>`,
          ] as [string, string, string],
        ]
      : []),
    ['startedAt', 'Started', escapeHtml(formatInstant(run.startedAt))],
    ['endedAt', 'Ended', escapeHtml(formatInstant(run.endedAt))],
    ['duration', 'Duration', escapeHtml(formatDuration(run.durationMs))],
    ['vus', 'Peak VUs', COUNT.format(report.vus.max)],
    ['windowMs', 'Window', escapeHtml(formatDuration(run.windowMs))],
    ['iterationsStarted', 'Iterations started', COUNT.format(iterations.started)],
    ['iterationsCompleted', 'Iterations completed', COUNT.format(iterations.completed)],
    [
      'iterationsFailed',
      'Iterations failed',
      `<span class="${iterations.failed > 0 ? 'fail' : ''}">${COUNT.format(iterations.failed)} (${formatPct(iterations.failed, iterations.started)})</span>`,
    ],
  ];
  const entries = items.map(([field, label, html]) => `<div><dt>${label}</dt><dd data-field="${field}">${html}</dd></div>`);
  return `<dl class="meta">${entries.join('')}</dl>`;
}

function thresholdsSection(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0) return section('thresholds', 'Thresholds', '<p class="empty">No thresholds were set for this run.</p>');
  const rows = thresholds.map((t) => {
    const verdict = t.passed ? '<span class="badge ok">PASS</span>' : '<span class="badge bad">FAIL</span>';
    return (
      `<tr data-threshold data-passed="${t.passed}" class="${t.passed ? '' : 'failed'}">` +
      `<td data-field="passed">${verdict}</td>` +
      textCell('target', t.target, 'mono') +
      textCell('expression', t.expression, 'mono') +
      (t.actual === undefined ? textCell('actual', '—', 'num') : cell('actual', t.actual, formatNumber(t.actual))) +
      textCell('detail', t.detail) +
      textCell('source', t.source) +
      '</tr>'
    );
  });
  return section('thresholds', 'Thresholds', table(['Result', 'Target', 'Expression', 'Actual', 'Detail', 'Source'], rows));
}

function stepRow(step: ReportStep): string {
  // Latency comes from successful attempts only: with none there is nothing to show.
  const timed = step.count > step.failed;
  const latency = (field: 'min' | 'mean' | 'p50' | 'p90' | 'p95' | 'p99' | 'max'): string =>
    timed ? cell(field, step[field], htmlMs(step[field])) : textCell(field, '—', 'num');
  const failClass = step.failed > 0 ? 'num fail' : 'num';
  return (
    `<tr data-step="${escapeHtml(step.name)}">` +
    `<th scope="row">${escapeHtml(step.name)}</th>` +
    cell('count', step.count, COUNT.format(step.count)) +
    cell('failed', step.failed, COUNT.format(step.failed), failClass) +
    cell('failedPct', step.count > 0 ? (100 * step.failed) / step.count : 0, formatPct(step.failed, step.count), failClass) +
    latency('min') +
    latency('mean') +
    latency('p50') +
    latency('p90') +
    latency('p95') +
    latency('p99') +
    latency('max') +
    cell('throughput', step.throughput, `${formatNumber(step.throughput)}/s`) +
    '</tr>'
  );
}

function stepsSection(steps: readonly ReportStep[]): string {
  if (steps.length === 0) return section('steps', 'Steps', '<p class="empty">No step ran.</p>');
  const headers = ['Step', 'Count', 'Failed', 'Failed %', 'Min', 'Mean', 'p50', 'p90', 'p95', 'p99', 'Max', 'Throughput'];
  return section('steps', 'Steps', table(headers, steps.map(stepRow)) + '<p class="note">Latencies are of successful attempts.</p>');
}

function errorsSection(report: Report, attachments: ReadonlyMap<string, Buffer>): string {
  if (report.errors.length === 0) return section('errors', 'Errors', '<p class="empty">No errors.</p>');
  const rows = report.errors.map(
    (e) =>
      `<tr data-error>` +
      textCell('errorClass', e.errorClass, 'mono fail') +
      textCell('step', e.step ?? 'outside steps', e.step === undefined ? 'dim' : '') +
      cell('count', e.count, COUNT.format(e.count)) +
      `<td data-field="sample"><pre class="sample">${escapeHtml(e.sample)}</pre>${evidenceBlock(report, e, attachments)}</td>` +
      '</tr>',
  );
  return section('errors', 'Errors', table(['Class', 'Step', 'Count', 'Sample'], rows));
}

function hostNote(agent: ReportAgent, report: Report): string {
  const notes: string[] = [];
  if (agent.lostAt !== undefined) {
    const lost = Date.parse(agent.lostAt) - Date.parse(report.run.startedAt);
    notes.push(`lost at ${formatInstant(agent.lostAt)}${Number.isFinite(lost) ? ` (${clock(lost)} into the run)` : ''}`);
  }
  if (agent.error !== undefined) notes.push(agent.error);
  if (agent.loss) notes.push(lossText(agent.loss));
  if (agent.reconnects > 0) notes.push(`reconnected ${agent.reconnects}x, longest gap ${htmlMs(agent.longestGapMs ?? 0)}`);
  return notes.join('; ');
}

function hostRow(agent: ReportAgent, report: Report): string {
  const healthy = ['done', 'running', 'ready', 'connecting'].includes(agent.status);
  const r = agent.resources;
  // A saturated host measures its own queueing, not the system under test.
  const hot = r !== undefined && r.cpuMaxPct >= 90 ? 'num warn' : 'num';
  const resource = (field: string, value: number | undefined, text: (v: number) => string, className = 'num'): string =>
    value === undefined ? textCell(field, '—', 'num') : cell(field, value, text(value), className);
  const steps = agent.steps
    .map((s) => {
      const timed = s.count > s.failed;
      const failed = s.failed > 0 ? ` <span class="fail">${COUNT.format(s.failed)} failed</span>` : '';
      return `<li data-step="${escapeHtml(s.name)}"><span class="step-name">${escapeHtml(s.name)}</span> <span data-field="p50" data-value="${s.p50}">${timed ? htmlMs(s.p50) : '—'}</span> / <span data-field="p95" data-value="${s.p95}">${timed ? htmlMs(s.p95) : '—'}</span>${failed}</li>`;
    })
    .join('');
  const { started, completed, failed } = agent.iterations;
  const noteText = hostNote(agent, report);
  const note = noteText ? `<div data-field="note" class="host-note ${healthy ? 'dim' : 'fail'}">${escapeHtml(noteText)}</div>` : '';
  return (
    `<tr data-host="${escapeHtml(agent.host)}" data-agent="${escapeHtml(agent.id)}" class="${healthy ? '' : 'failed'}">` +
    `<th scope="row">${escapeHtml(agent.host)}${agent.id !== agent.host ? `<div class="dim">${escapeHtml(agent.id)}</div>` : ''}${note}</th>` +
    `<td data-field="status" data-value="${escapeHtml(agent.status)}">${statusBadge(agent.status, ['done', 'running', 'ready', 'connecting'])}</td>` +
    cell('vus', agent.vus, COUNT.format(agent.vus)) +
    cell('windows', agent.windows, COUNT.format(agent.windows)) +
    cell('saturatedWindows', agent.saturatedWindows, COUNT.format(agent.saturatedWindows), agent.saturatedWindows > 0 ? 'num fail' : 'num') +
    `<td data-field="iterations" data-value="${started}" class="num">${COUNT.format(started)} / ${COUNT.format(completed)} / <span class="${failed > 0 ? 'fail' : ''}">${COUNT.format(failed)}</span></td>` +
    resource('cpuMeanPct', r?.cpuMeanPct, (v) => `${v.toFixed(1)}%`, hot) +
    resource('cpuMaxPct', r?.cpuMaxPct, (v) => `${v.toFixed(1)}%`, hot) +
    resource('rssMaxMb', r?.agentRssMaxMb, (v) => `${Math.round(v)} MB`) +
    resource('loopLagMaxMs', r?.loopLagMaxMs, htmlMs) +
    `<td data-field="steps"><ul class="host-steps">${steps}</ul></td>` +
    '</tr>'
  );
}

function hostsSection(report: Report): string {
  if (report.agents.length === 0) return section('hosts', 'Hosts', '<p class="empty">No agent data.</p>');
  const headers = ['Host', 'Status', 'VUs', 'Windows', 'Saturated', 'Iterations', 'CPU mean', 'CPU max', 'Memory (RSS max)', 'Loop lag max', 'Steps p50 / p95'];
  const note =
    '<p class="note">Iterations: started / completed / failed. Steps: p50 / p95 as measured by that host. ' +
    `Saturated: windows in which the host was out of CPU (over ${SATURATION_CPU_PCT} %) or its event loop lagged, two windows running: its numbers there are distorted.</p>`;
  return section('hosts', 'Hosts', table(headers, report.agents.map((a) => hostRow(a, report))) + note);
}

const STYLE = `
:root{color-scheme:light;--fg:#1f2937;--dim:#6b7280;--line:#e5e7eb;--zebra:#f9fafb;--bad:#b91c1c;--bad-bg:#fef2f2;--ok:#047857;--ok-bg:#ecfdf5;--warn:#b45309}
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1280px;margin:0 auto;padding:24px}
header{display:flex;flex-wrap:wrap;gap:16px;align-items:center;justify-content:space-between;margin-bottom:8px}
h1{font-size:22px;margin:0}h1 .dim{font-weight:400}
h2{font-size:16px;margin:0 0 12px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:16px 0}
.dim{color:var(--dim)}.fail{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}
.mono,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px 20px;margin:0}
.meta dt{color:var(--dim);font-size:12px}.meta dd{margin:0;font-weight:600;overflow-wrap:break-word}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.03em}
.badge.ok{background:var(--ok-bg);color:var(--ok);border:1px solid #a7f3d0}.badge.bad{background:var(--bad-bg);color:var(--bad);border:1px solid #fecaca}
.verdict{padding:8px 16px;border-radius:8px;font-weight:700;font-size:16px}
.verdict.ok{background:var(--ok-bg);color:var(--ok);border:1px solid #a7f3d0}.verdict.bad{background:var(--bad-bg);color:var(--bad);border:1px solid #fecaca}.verdict.none{background:#fff;color:var(--dim);border:1px solid var(--line)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{font-size:12px;color:var(--dim);font-weight:600;white-space:nowrap;border-bottom:2px solid var(--line)}
tbody tr:nth-child(even){background:var(--zebra)}
tbody tr.failed{background:var(--bad-bg)}tbody tr.failed>th{color:var(--bad)}
tbody th{font-weight:600;overflow-wrap:break-word}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
pre.sample{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:12em;overflow:auto}
.host-steps{list-style:none;margin:0;padding:0;min-width:16em;font-variant-numeric:tabular-nums}.host-steps span{white-space:nowrap}.step-name{color:var(--dim)}.host-note{font-size:12px;min-width:16em}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px}
.chart-box{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.chart-box figcaption{font-weight:600;margin-bottom:4px}
svg.chart{width:100%;height:auto;display:block;font-family:inherit}
svg.chart .plot{fill:#fff;stroke:none}svg.chart .grid{stroke:#eef0f3}svg.chart .axis{stroke:#9ca3af}
svg.chart .tick{font-size:11px;fill:var(--dim)}svg.chart .label{font-size:11px;fill:var(--dim)}svg.chart .nodata{font-size:16px;fill:var(--dim)}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 0;padding:0;font-size:12px}
.legend li{display:flex;align-items:center;gap:6px}.swatch{width:22px;height:8px}
.note,.empty{color:var(--dim);font-size:12px;margin:8px 0 0}.empty{font-size:14px}
footer{color:var(--dim);font-size:12px;text-align:center;padding:8px}
@media print{body{background:#fff;font-size:11px}main{padding:0;max-width:none}section{border:none;padding:0;margin:12px 0;break-inside:avoid-page}.charts{grid-template-columns:1fr 1fr}.chart-box{break-inside:avoid}.scroll{overflow:visible}pre.sample{max-height:none}}
`;

export function renderHtmlReport(report: Report, attachments: ReadonlyMap<string, Buffer> = new Map()): string {
  const { run } = report;
  const title = `squall report: ${run.scenario} (${run.id})`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Screenshots are embedded as data: URLs; nothing is ever fetched.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}${EVIDENCE_STYLE}</style>`,
    '</head>',
    '<body><main>',
    `<header><h1>${escapeHtml(run.scenario)} <span class="dim">· squall run ${escapeHtml(run.id)}</span></h1>${overallVerdict(report.thresholds)}</header>`,
    run.partial ? `<div id="partial" class="verdict bad" data-partial="true">${escapeHtml(PARTIAL_NOTE)}</div>` : '',
    section('run', 'Run', metadata(report)),
    thresholdsSection(report.thresholds),
    stepsSection(report.steps),
    flowsSection(report),
    arrivalSection(report),
    section('charts', 'Over time', renderReportCharts(report)),
    requestsSection(report),
    pageViewsSection(report),
    errorsSection(report, attachments),
    hostsSection(report),
    `<footer>${escapeHtml(report.schema)} · generated by squall</footer>`,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
