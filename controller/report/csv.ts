// series.csv: one row per window per step, for spreadsheets. The numbers are
// those of report.json's series, so either can be checked against the other.
import type { Report } from '../../src/protocol/report.js';
import { terminalSafe } from '../../src/terminal-text.js';

export const SERIES_CSV_HEADER = ['t', 'step', 'count', 'failed', 'p50', 'p90', 'p95', 'p99', 'max', 'vus'] as const;

function cell(value: string | number): string {
  // Names and labels can come from the target: no control byte (an ESC in a file someone cats) survives.
  const text = terminalSafe(String(value)).replace(/[\n\t]/g, ' ');
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** t is ms from the run's start to the window's start; latencies in ms. */
export function seriesCsv(report: Report): string {
  const rows: Array<Array<string | number>> = [[...SERIES_CSV_HEADER]];
  for (const point of report.series) {
    for (const [step, stats] of Object.entries(point.steps)) {
      rows.push([point.t, step, stats.count, stats.failed, stats.p50, stats.p90, stats.p95, stats.p99, stats.max, point.vus]);
    }
  }
  return csvOf(rows);
}

export const REQUESTS_CSV_HEADER = ['t', 'label', 'count', '2xx', '3xx', '4xx', '5xx', 'failed', 'other', 'ttfb_p50', 'ttfb_p95', 'total_p50', 'total_p95'] as const;
export const VITALS_CSV_HEADER = ['t', 'step', 'vital', 'count', 'p75'] as const;

function csvOf(rows: Array<Array<string | number>>): string {
  return rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

/** requests.csv: one row per window per URL label. */
export function requestsCsv(report: Report): string {
  const rows: Array<Array<string | number>> = [[...REQUESTS_CSV_HEADER]];
  for (const point of report.series) {
    for (const [label, r] of Object.entries(point.requests ?? {})) {
      const s = r.statuses;
      rows.push([point.t, label, r.count, s['2xx'] ?? 0, s['3xx'] ?? 0, s['4xx'] ?? 0, s['5xx'] ?? 0, s.failed ?? 0, s.other ?? 0, r.ttfbP50, r.ttfbP95, r.totalP50, r.totalP95]);
    }
  }
  return csvOf(rows);
}

/** vitals.csv: one row per window per step per vital (ms; CLS a score). */
export function vitalsCsv(report: Report): string {
  const rows: Array<Array<string | number>> = [[...VITALS_CSV_HEADER]];
  for (const point of report.series) {
    for (const [step, vitals] of Object.entries(point.vitals ?? {})) {
      for (const [vital, v] of Object.entries(vitals)) rows.push([point.t, step, vital, v.count, v.p75]);
    }
  }
  return csvOf(rows);
}

/** Reads series.csv back (RFC 4180 quoting); for tests and tools. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

export const ARRIVALS_CSV_HEADER = ['t', 'target_rate', 'started', 'dropped', 'completed', 'failed', 'vus_busy', 'vus_kept'] as const;

/** arrivals.csv (arrival-rate runs): one row per window, rates per second. */
export function arrivalsCsv(report: Report): string {
  const rows: Array<Array<string | number>> = [[...ARRIVALS_CSV_HEADER]];
  for (const point of report.series) {
    const it = point.iterations;
    rows.push([point.t, point.targetRate ?? 0, it.started, it.dropped ?? 0, it.completed, it.failed, point.vus, point.allocatedVus ?? 0]);
  }
  return csvOf(rows);
}
