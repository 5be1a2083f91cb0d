// The end-of-run summary for the terminal: one aligned row per step.
import { formatDuration } from '../../src/load/duration.js';
import type { Report } from '../../src/protocol/report.js';
import { formatMs } from '../progress.js';

function table(rows: string[][], rightAligned: (column: number) => boolean): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) =>
    row.map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd(),
  );
}

export function summaryText(report: Report, files: readonly string[]): string {
  const { run } = report;
  const lines = [
    '',
    `run ${run.id}  "${run.scenario}"  ${run.status}  ${formatDuration(run.durationMs)}  peak ${report.vus.max} VUs`,
    '',
  ];
  if (report.steps.length === 0) {
    lines.push('no step ran');
  } else {
    const header = ['step', 'count', 'failed', 'p50', 'p90', 'p95', 'p99', 'max', 'per s'];
    const rows = report.steps.map((s) => [
      s.name,
      String(s.count),
      s.failed > 0 ? `${s.failed} (${((100 * s.failed) / s.count).toFixed(1)}%)` : '0',
      ...[s.p50, s.p90, s.p95, s.p99, s.max].map((ms) => (s.count > s.failed ? formatMs(ms) : '-')),
      s.throughput.toFixed(2),
    ]);
    lines.push(...table([header, ...rows], (c) => c > 0));
  }
  const it = report.iterations;
  lines.push('', `iterations: ${it.started} started, ${it.completed} completed, ${it.failed} failed`);
  const errors = [
    ...report.steps.flatMap((s) => s.errors.map((e) => ({ where: s.name, ...e }))),
    ...it.errors.map((e) => ({ where: 'outside steps', ...e })),
  ].sort((a, b) => b.count - a.count);
  for (const error of errors.slice(0, 5)) {
    lines.push(`  ${error.count} x ${error.errorClass} in "${error.where}": ${error.sample}`);
  }
  const troubled = report.agents.filter((a) => a.status !== 'done');
  for (const agent of troubled) {
    lines.push(`agent ${agent.id} (${agent.host}): ${agent.status}${agent.lostAt ? ` at ${agent.lostAt}` : ''}${agent.error ? `: ${agent.error}` : ''}`);
  }
  if (files.length > 0) lines.push('', ...files.map((file) => `wrote ${file}`));
  return lines.join('\n') + '\n';
}
