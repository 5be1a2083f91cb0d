// report.html's sections for what the pages measured: requests by label, Web
// Vitals by step with Google's bands, and failed steps' evidence (screenshots
// embedded as data: URLs, so the page stays one self-contained file).
import { errorCount } from '../../src/metrics/request-stats.js';
import { VITALS, VITAL_THRESHOLDS, type Vital } from '../../src/metrics/vitals.js';
import type { Report, ReportPageViews, ReportRequest, ReportVital } from '../../src/protocol/report.js';
import { escapeHtml } from './html-charts.js';
import { COUNT, cell, formatPct, htmlMs, section, table, textCell } from './html-parts.js';

/** More than this many items of one error class is the same picture again. */
const EVIDENCE_SHOWN = 6;

export const EVIDENCE_STYLE = `
.band-good{color:var(--ok)}.band-needs-improvement{color:var(--warn)}.band-poor{color:var(--bad);font-weight:600}
.evidence{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px;margin-top:8px}
.evidence figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px;background:#fff}
.evidence img{width:100%;height:auto;border:1px solid var(--line)}
.evidence figcaption{font-size:12px;overflow-wrap:anywhere}.evidence ul{margin:4px 0 0;padding-left:16px;font-size:12px;overflow-wrap:anywhere}
`;

function dist(field: string, value: number | undefined, show: (v: number) => string = htmlMs): string {
  return value === undefined ? textCell(field, '—', 'num') : cell(field, value, show(value));
}

/** `GET 12, POST 3`; empty for a run stored before the field existed. */
function countsText(counts: Record<string, number> | undefined): string {
  return Object.entries(counts ?? {}).map(([key, n]) => `${key} ${COUNT.format(n)}`).join(', ');
}

function requestRow(r: ReportRequest): string {
  const s = r.statuses;
  const errors = errorCount(s);
  const status = (key: keyof typeof s) => cell(`status${key}`, s[key] ?? 0, COUNT.format(s[key] ?? 0), key !== '2xx' && key !== '3xx' && (s[key] ?? 0) > 0 ? 'num fail' : 'num');
  return (
    `<tr data-request="${escapeHtml(r.label)}">` +
    `<th scope="row" class="mono">${escapeHtml(r.label)}</th>` +
    cell('count', r.count, COUNT.format(r.count)) +
    textCell('methods', countsText(r.methods), 'dim') +
    status('2xx') +
    status('3xx') +
    status('4xx') +
    status('5xx') +
    status('failed') +
    cell('errorPct', r.count > 0 ? (100 * errors) / r.count : 0, formatPct(errors, r.count), errors > 0 ? 'num fail' : 'num') +
    dist('ttfbP50', r.ttfb?.p50) +
    dist('ttfbP95', r.ttfb?.p95) +
    dist('ttfbP99', r.ttfb?.p99) +
    dist('totalP50', r.total?.p50) +
    dist('totalP95', r.total?.p95) +
    dist('totalP99', r.total?.p99) +
    dist('connectP95', r.connect?.p95) +
    cell('bytes', r.bytes, `${(r.bytes / 1024).toFixed(1)} KB`) +
    cell('cached', r.cached, COUNT.format(r.cached)) +
    textCell('steps', countsText(r.steps), 'dim') +
    textCell('networkErrors', countsText(r.errors), 'dim') +
    '</tr>'
  );
}

export function requestsSection(report: Report): string {
  if (!report.requests) return '';
  if (report.requests.length === 0) return section('requests', 'Requests', '<p class="empty">No request was timed.</p>');
  const headers = ['URL (label)', 'Count', 'Methods', '2xx', '3xx', '4xx', '5xx', 'Failed', 'Errors', 'TTFB p50', 'TTFB p95', 'TTFB p99', 'Total p50', 'Total p95', 'Total p99', 'Connect p95', 'Bytes', 'Cached', 'By step', 'Why failed'];
  const note =
    '<p class="note">From the browser\'s network layer: every request of every page, frame, popup and worker, each redirect hop on its own, timed on every origin. ' +
    'TTFB: request sent to first byte; total: start to last byte. ' +
    'Cached responses count, but have no TTFB; connect is of new connections only. Failed: no complete response (a network error, a cancel, a CORS refusal). ' +
    'Ids, uuids and hashes in paths are collapsed to :id, :uuid, :hash; past the label cap, URLs count as "other".</p>';
  return section('requests', 'Requests', table(headers, report.requests.map(requestRow)) + note);
}

function vitalCell(vital: Vital, v: ReportVital | undefined): string {
  if (!v) return textCell(vital, '—', 'num');
  const show = (x: number) => (vital === 'CLS' ? x.toFixed(3) : htmlMs(x));
  return `<td data-field="${vital}" data-value="${v.p75}" data-band="${v.band}" class="num"><span class="band-${v.band}">${escapeHtml(show(v.p75))}</span> <span class="dim">/ ${escapeHtml(show(v.p95))}</span></td>`;
}

function pageViewRow(name: string, views: number, vitals: ReportPageViews['vitals']): string {
  return `<tr data-page-views="${escapeHtml(name)}"><th scope="row">${escapeHtml(name)}</th>${cell('views', views, COUNT.format(views))}${VITALS.map((v) => vitalCell(v, vitals[v])).join('')}</tr>`;
}

export function pageViewsSection(report: Report): string {
  const pv = report.pageViews;
  if (!pv) return '';
  if (pv.views === 0) return section('vitals', 'Web Vitals', '<p class="empty">No page view ended.</p>');
  const rows = [pageViewRow('all page views', pv.views, pv.vitals), ...pv.steps.map((s) => pageViewRow(s.step, s.views, s.vitals))];
  const bands = VITALS.map((v) => {
    const [good, poor] = VITAL_THRESHOLDS[v];
    return v === 'CLS' ? `CLS ≤ ${good} / > ${poor}` : `${v} ≤ ${good} / > ${poor} ms`;
  }).join('; ');
  const note =
    `<p class="note">p75 / p95 per page view (computed as Google's web-vitals does, the value when the view ended: a navigation, or the iteration's end), by the step each view began in. ` +
    `Colour: Google's band of the p75 (good / needs improvement / poor: ${escapeHtml(bands)}). INP needs an interaction; headless pages have no user, so only the scenario's clicks and keys count.</p>`;
  return section('vitals', 'Web Vitals', table(['Step', 'Views', ...VITALS], rows) + note);
}

/** The screenshots and page state kept for one error class of a step. */
export function evidenceBlock(report: Report, error: { errorClass: string; step?: string }, attachments: ReadonlyMap<string, Buffer>): string {
  const items = report.evidence.filter((e) => e.errorClass === error.errorClass && e.step === error.step);
  if (items.length === 0) return '';
  const shown = items.slice(0, EVIDENCE_SHOWN).map((e) => {
    const image = e.screenshot ? attachments.get(e.screenshot) : undefined;
    const img = image ? `<img data-screenshot="${escapeHtml(e.screenshot!)}" alt="the page when the step failed" src="data:image/jpeg;base64,${image.toString('base64')}">` : '<p class="dim">no screenshot (the page could not be captured)</p>';
    const list = (title: string, lines: string[]) => (lines.length > 0 ? `<div class="dim">${title}</div><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '');
    const requests = e.failedRequests.map((r) => `${r.status > 0 ? r.status : (r.error ?? 'failed')} ${r.url}`);
    return (
      `<figure data-evidence data-agent="${escapeHtml(e.agent)}">${img}<figcaption>` +
      `<div><span class="mono">${escapeHtml(e.url || '(no URL)')}</span></div>` +
      `<div class="dim">${escapeHtml(e.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} · ${escapeHtml(e.agent)} · VU ${e.vu} · iteration ${e.iteration}</div>` +
      list('console errors', e.consoleErrors) +
      list('failed requests', requests) +
      '</figcaption></figure>'
    );
  });
  const more = items.length > EVIDENCE_SHOWN ? `<p class="note">${items.length - EVIDENCE_SHOWN} more in report.json and the evidence folder.</p>` : '';
  return `<div class="evidence">${shown.join('')}</div>${more}`;
}
