// The end-of-run summary for the terminal: compact, aligned, coloured on a
// TTY, ending with the files written.
import { SATURATION_CPU_PCT } from '../../src/limits.js';
import { formatDuration } from '../../src/load/duration.js';
import type { Report } from '../../src/protocol/report.js';
import { WINDOW_LIMITS } from '../../src/metrics/window-bounds.js';
import { terminalSafe } from '../../src/terminal-text.js';
import { maxOf } from '../../src/max-of.js';
import { formatMs } from '../format.js';
import { errorCount } from '../../src/metrics/request-stats.js';
import { arrivalText } from './arrival.js';
import { flowsText } from './flows.js';

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
export const COLOURS: Paint = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39) };
const identity = (text: string) => text;
export const PLAIN: Paint = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity };

/** Pads by visible width, so coloured cells line up. */
export function alignedTable(rows: string[][], rightAligned: (column: number) => boolean): string[] {
  const visible = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = rows[0]!.map((_, c) => maxOf(rows.map((row) => visible(row[c]!))));
  return rows.map((row) =>
    row
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - visible(cell));
        return rightAligned(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** What a lost agent did not deliver, in words. */
export function lossText(loss: NonNullable<Report['agents'][number]['loss']>): string {
  if (loss.undeliveredWindows === 0) return 'it had delivered every window';
  const windows = `${loss.exact ? '' : 'about '}${loss.undeliveredWindows} window${loss.undeliveredWindows === 1 ? '' : 's'} never delivered`;
  return loss.iterationsAtMost === undefined ? windows : `${windows} (steps of at most ${loss.iterationsAtMost} iterations missing)`;
}

const TOP_REQUESTS = 5;

/** The slowest request labels by TTFB p95, and each step's vitals p75: where a slow step's time went. */
function browserLines(report: Report, paint: Paint): string[] {
  const lines: string[] = [];
  const requests = [...(report.requests ?? [])].filter((r) => r.ttfb).sort((a, b) => b.ttfb!.p95 - a.ttfb!.p95);
  if (requests.length > 0) {
    const header = ['request (slowest TTFB p95)', 'count', 'errors', 'ttfb p50', 'ttfb p95', 'total p95'].map(paint.bold);
    const rows = requests.slice(0, TOP_REQUESTS).map((r) => {
      const errors = errorCount(r.statuses);
      return [terminalSafe(r.label), String(r.count), errors > 0 ? paint.red(String(errors)) : '0', formatMs(r.ttfb!.p50), formatMs(r.ttfb!.p95), r.total ? formatMs(r.total.p95) : '-'];
    });
    lines.push('', ...alignedTable([header, ...rows], (c) => c > 0));
    if (requests.length > TOP_REQUESTS) lines.push(paint.dim(`  and ${requests.length - TOP_REQUESTS} more labels in report.html and requests.csv`));
  }
  const pv = report.pageViews;
  if (pv && pv.views > 0) {
    const tone = (band: string) => (band === 'good' ? paint.green : band === 'poor' ? paint.red : paint.yellow);
    const vitalsText = (vitals: NonNullable<Report['pageViews']>['vitals']) =>
      Object.entries(vitals)
        .map(([name, v]) => tone(v.band)(`${name} ${name === 'CLS' ? v.p75.toFixed(3) : formatMs(v.p75)}`))
        .join('  ');
    lines.push('', `web vitals p75 (${pv.views} page views): ${vitalsText(pv.vitals)}`);
    for (const step of pv.steps) lines.push(paint.dim(`  ${terminalSafe(step.step)} (${step.views}): `) + vitalsText(step.vitals));
  }
  if (report.evidence.length > 0) lines.push(paint.dim(`evidence of ${report.evidence.length} failed step${report.evidence.length === 1 ? '' : 's'} (screenshot, URL, console errors): report.html, under Errors`));
  return lines;
}

/** Said in every format of a partial report. */
export const PARTIAL_NOTE = 'PARTIAL: the controller stopped before the run ended, or its disk refused writes; these are the windows the store had received';

export function summaryText(report: Report, files: readonly string[], paint: Paint = PLAIN): string {
  const { run } = report;
  const status = run.status === 'completed' ? paint.green(run.status) : paint.red(run.status);
  const lines = ['', `${paint.bold(`run ${run.id}`)}  "${run.scenario}"  ${status}  ${formatDuration(run.durationMs)}  peak ${report.vus.max} VUs`, ''];
  if (run.partial) lines.splice(2, 0, paint.red(PARTIAL_NOTE));
  if (report.steps.length === 0) {
    lines.push('no step ran');
  } else {
    const header = ['step', 'count', 'failed', 'p50', 'p90', 'p95', 'p99', 'max', 'per s'].map(paint.bold);
    const rows = report.steps.map((s) => [
      terminalSafe(s.name),
      String(s.count),
      s.failed > 0 ? paint.red(`${s.failed} (${((100 * s.failed) / s.count).toFixed(1)}%)`) : '0',
      ...[s.p50, s.p90, s.p95, s.p99, s.max].map((ms) => (s.count > s.failed ? formatMs(ms) : '-')),
      s.throughput.toFixed(2),
    ]);
    lines.push(...alignedTable([header, ...rows], (c) => c > 0));
  }
  lines.push(...browserLines(report, paint));
  const it = report.iterations;
  lines.push('', `iterations: ${it.started} started, ${it.completed} completed, ${it.failed > 0 ? paint.red(`${it.failed} failed`) : '0 failed'}`);
  if (report.flows) lines.push(flowsText(report.flows));
  const accounts = report.arrival ? [{ arrival: report.arrival, prefix: '' }] : (report.arrivals ?? []).map((arrival) => ({ arrival, prefix: `${arrival.flows.join(', ')}: ` }));
  for (const { arrival, prefix } of accounts) {
    const [first, ...rest] = arrivalText(arrival, Date.parse(run.startedAt));
    const line = `${prefix}${first!}`;
    lines.push(arrival.dropped > 0 || arrival.notRun ? paint.red(line) : paint.green(line), ...rest.map((text) => paint.yellow(text)));
  }
  for (const data of report.data ?? []) {
    const lost = data.lostWithHosts > 0 ? ` (${data.lostWithHosts} of them leased to lost hosts)` : '';
    const ranOut = data.ranOutAtMs !== undefined ? `; ran out at ${formatDuration(data.ranOutAtMs)} into the run` : '';
    lines.push(`data ${terminalSafe(data.file)}: ${data.used} of ${data.rows} rows used${lost}, ${data.left} left${ranOut}`);
  }
  for (const error of report.errors.slice(0, 5)) {
    lines.push(paint.dim(`  ${error.count} x ${terminalSafe(error.errorClass)} in ${error.step ? `"${terminalSafe(error.step)}"` : 'no step'}: ${terminalSafe(error.sample)}`));
  }
  for (const agent of report.agents.filter((a) => a.saturatedWindows > 0)) {
    lines.push(paint.red(`agent ${agent.host}: ${agent.saturatedWindows} of ${agent.windows} windows saturated (CPU over ${SATURATION_CPU_PCT}% or a lagging event loop): its numbers are distorted; give it fewer VUs (squall calibrate)`));
  }
  for (const agent of report.agents.filter((a) => a.trimmedWindows > 0)) {
    lines.push(paint.yellow(`agent ${agent.host}: ${agent.trimmedWindows} of ${agent.windows} windows trimmed to fit one message (over ${WINDOW_LIMITS.names} step names or ${WINDOW_LIMITS.requestLabels} request labels, or over ${WINDOW_LIMITS.frameBytes / 1024 / 1024} MB): their least-counted entries are missing`));
  }
  for (const agent of report.agents.filter((a) => a.status !== 'done')) {
    const when = agent.lostAt ? ` at ${agent.lostAt}` : '';
    lines.push(paint.yellow(`agent ${agent.host}: ${agent.status}${when}${agent.error ? `: ${terminalSafe(agent.error)}` : ''}${agent.loss ? `; ${lossText(agent.loss)}` : ''}`));
  }
  for (const agent of report.agents.filter((a) => a.reconnects > 0 && a.status === 'done')) {
    lines.push(paint.dim(`agent ${agent.host}: reconnected ${agent.reconnects === 1 ? 'once' : `${agent.reconnects} times`} (longest gap ${formatMs(agent.longestGapMs ?? 0)}), nothing lost on the way`));
  }
  if (report.thresholds.length > 0) {
    const failed = report.thresholds.filter((t) => !t.passed).length;
    lines.push('', failed === 0 ? paint.green(`thresholds: all ${report.thresholds.length} passed`) : paint.red(`thresholds: ${failed} of ${report.thresholds.length} failed`));
    for (const t of report.thresholds) {
      const mark = t.passed ? paint.green('pass') : paint.red('FAIL');
      lines.push(`  ${mark}  ${terminalSafe(`${t.target}: ${t.expression}`)}  ${paint.dim(`(${terminalSafe(t.detail)})`)}`);
    }
  }
  const stop = run.stoppedBy;
  if (stop) {
    const at = formatDuration(Math.round(stop.atMs / 1000) * 1000);
    lines.push(paint.red(`the load was stopped by threshold ${terminalSafe(`${stop.threshold.target}: ${stop.threshold.expression}`)} at ${at} into the load (${terminalSafe(stop.detail)}; abortOnFail)`));
  }
  if (files.length > 0) lines.push('', ...files.map((file) => `wrote ${file}`));
  return lines.join('\n') + '\n';
}
