// The pieces every section of report.html is made of: cells that carry their
// raw value for tests (data-field, data-value), tables, sections, numbers.
import { escapeHtml } from './html-charts.js';

export const COUNT = new Intl.NumberFormat('en-US');

/** The page's own typography: a space before the unit, an em dash for no value. */
export function htmlMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms > 0 && ms < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function formatPct(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '—';
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? COUNT.format(value) : String(Number(value.toFixed(2)));
}

export function cell(field: string, raw: number | string, text: string, className = 'num'): string {
  return `<td data-field="${field}" data-value="${escapeHtml(String(raw))}" class="${className}">${escapeHtml(text)}</td>`;
}

export function textCell(field: string, text: string, className = ''): string {
  return `<td data-field="${field}"${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</td>`;
}

export function table(headers: readonly string[], rows: readonly string[], className = ''): string {
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  return `<div class="scroll"><table${className ? ` class="${className}"` : ''}><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

