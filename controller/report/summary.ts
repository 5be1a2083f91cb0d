// The end-of-run summary for the terminal: compact, aligned, coloured on a
// TTY, ending with the files written.
import { SATURATION_CPU_PCT } from '../../src/limits.js';
import { formatDuration } from '../../src/load/duration.js';
import type { Report } from '../../src/protocol/report.js';
import { formatMs } from '../format.js';

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
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => visible(row[c]!))));
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

/** Said in every format of a partial report. */
export const PARTIAL_NOTE = 'PARTIAL: the controller stopped before the run ended; these are the windows the store had received';

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
      s.name,
      String(s.count),
      s.failed > 0 ? paint.red(`${s.failed} (${((100 * s.failed) / s.count).toFixed(1)}%)`) : '0',
      ...[s.p50, s.p90, s.p95, s.p99, s.max].map((ms) => (s.count > s.failed ? formatMs(ms) : '-')),
      s.throughput.toFixed(2),
    ]);
    lines.push(...alignedTable([header, ...rows], (c) => c > 0));
  }
  const it = report.iterations;
  lines.push('', `iterations: ${it.started} started, ${it.completed} completed, ${it.failed > 0 ? paint.red(`${it.failed} failed`) : '0 failed'}`);
  for (const error of report.errors.slice(0, 5)) {
    lines.push(paint.dim(`  ${error.count} x ${error.errorClass} in ${error.step ? `"${error.step}"` : 'no step'}: ${error.sample}`));
  }
  for (const agent of report.agents.filter((a) => a.saturatedWindows > 0)) {
    lines.push(paint.red(`agent ${agent.host}: ${agent.saturatedWindows} of ${agent.windows} windows saturated (CPU over ${SATURATION_CPU_PCT}% or a lagging event loop): its numbers are distorted; give it fewer VUs (squall calibrate)`));
  }
  for (const agent of report.agents.filter((a) => a.status !== 'done')) {
    const when = agent.lostAt ? ` at ${agent.lostAt}` : '';
    lines.push(paint.yellow(`agent ${agent.host}: ${agent.status}${when}${agent.error ? `: ${agent.error}` : ''}${agent.loss ? `; ${lossText(agent.loss)}` : ''}`));
  }
  for (const agent of report.agents.filter((a) => a.reconnects > 0 && a.status === 'done')) {
    lines.push(paint.dim(`agent ${agent.host}: reconnected ${agent.reconnects === 1 ? 'once' : `${agent.reconnects} times`} (longest gap ${formatMs(agent.longestGapMs ?? 0)}), nothing lost on the way`));
  }
  if (report.thresholds.length > 0) {
    const failed = report.thresholds.filter((t) => !t.passed).length;
    lines.push('', failed === 0 ? paint.green(`thresholds: all ${report.thresholds.length} passed`) : paint.red(`thresholds: ${failed} of ${report.thresholds.length} failed`));
    for (const t of report.thresholds) {
      const mark = t.passed ? paint.green('pass') : paint.red('FAIL');
      lines.push(`  ${mark}  ${t.target}: ${t.expression}  ${paint.dim(`(${t.detail})`)}`);
    }
  }
  if (files.length > 0) lines.push('', ...files.map((file) => `wrote ${file}`));
  return lines.join('\n') + '\n';
}
