// The report's requests, Web Vitals and evidence, from merged windows and the
// store's evidence: pure, like the rest of report building.
import type { DistributionAccumulator } from '../../src/metrics/distribution.js';
import { REQUEST_PHASES, pageViewTable, requestTable, type PageViewAccumulator, type RequestAccumulator } from '../../src/metrics/request-stats.js';
import { VITALS, vitalBand } from '../../src/metrics/vitals.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { DistributionSummary, Report, ReportEvidence, ReportPageViews, ReportRequest, ReportSeriesPoint } from '../../src/protocol/report.js';
import type { StoredEvidence } from '../store/evidence.js';
import { round } from './numbers.js';

/** CLS is a score of a few hundredths: more digits than a time needs. */
function roundFine(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function summaryOf(acc: DistributionAccumulator, fine = false): DistributionSummary {
  const r = fine ? roundFine : round;
  return { count: acc.count, mean: r(acc.mean), p50: r(acc.quantile(0.5)), p75: r(acc.quantile(0.75)), p95: r(acc.quantile(0.95)), p99: r(acc.quantile(0.99)), max: r(acc.max) };
}

export function requestEntry(label: string, acc: RequestAccumulator): ReportRequest {
  const phases: Partial<Record<(typeof REQUEST_PHASES)[number], DistributionSummary>> = {};
  for (const phase of REQUEST_PHASES) {
    const dist = acc.phases.byName.get(phase);
    if (dist && dist.count > 0) phases[phase] = summaryOf(dist);
  }
  return {
    label,
    count: acc.count,
    statuses: Object.fromEntries(acc.statuses),
    bytes: acc.bytes,
    cached: acc.cached,
    steps: Object.fromEntries(acc.steps),
    ...acc.formatFiveFields(),
    ...phases,
  };
}

function vitalsOf(acc: PageViewAccumulator): ReportPageViews['vitals'] {
  const out: ReportPageViews['vitals'] = {};
  for (const vital of VITALS) {
    const dist = acc.vitals.byName.get(vital);
    if (!dist || dist.count === 0) continue;
    const summary = summaryOf(dist, vital === 'CLS');
    out[vital] = { ...summary, band: vitalBand(vital, summary.p75) };
  }
  return out;
}

export interface BrowserTotals {
  requests: Map<string, RequestAccumulator>;
  pageViews: Map<string, PageViewAccumulator>;
  /** whether any window carried them: a run without collection shows no empty sections */
  collected: boolean;
}

export function browserTotals(windows: readonly MergedWindow[]): BrowserTotals {
  const requests = requestTable();
  const pageViews = pageViewTable();
  let collected = false;
  for (const window of windows) {
    if (window.requests || window.pageViews) collected = true;
    requests.add(window.requests);
    pageViews.add(window.pageViews);
  }
  return { requests: requests.entries, pageViews: pageViews.entries, collected };
}

export function browserSections(totals: BrowserTotals): Pick<Report, 'requests' | 'pageViews'> {
  if (!totals.collected) return {};
  const requests = [...totals.requests].map(([label, acc]) => requestEntry(label, acc)).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const all = pageViewTable().get('');
  for (const acc of totals.pageViews.values()) all.addWire(acc.toWire());
  return {
    requests,
    pageViews: {
      views: all.views,
      vitals: vitalsOf(all),
      steps: [...totals.pageViews].map(([step, acc]) => ({ step, views: acc.views, vitals: vitalsOf(acc) })),
    },
  };
}

/** A window's requests and vitals for the series: enough for a chart and a CSV row. */
export function seriesBrowserFields(window: MergedWindow): Pick<ReportSeriesPoint, 'requests' | 'vitals'> {
  const out: Pick<ReportSeriesPoint, 'requests' | 'vitals'> = {};
  if (window.requests) {
    const requests = requestTable();
    requests.add(window.requests);
    out.requests = Object.fromEntries(
      [...requests.entries].map(([label, acc]) => {
        const ttfb = acc.phases.get('ttfb');
        const total = acc.phases.get('total');
        const q = (d: DistributionAccumulator, p: number) => (d.count > 0 ? round(d.quantile(p)) : 0);
        return [label, { count: acc.count, statuses: Object.fromEntries(acc.statuses), ttfbP50: q(ttfb, 0.5), ttfbP95: q(ttfb, 0.95), totalP50: q(total, 0.5), totalP95: q(total, 0.95) }];
      }),
    );
  }
  if (window.pageViews) {
    const views = pageViewTable();
    views.add(window.pageViews);
    out.vitals = Object.fromEntries(
      [...views.entries].map(([step, acc]) => [
        step,
        Object.fromEntries([...acc.vitals.byName].filter(([, d]) => d.count > 0).map(([vital, d]) => [vital, { count: d.count, p75: vital === 'CLS' ? roundFine(d.quantile(0.75)) : round(d.quantile(0.75)) }])),
      ]),
    );
  }
  return out;
}

/** The file a screenshot is written to beside report.json. */
export function screenshotFile(item: Pick<StoredEvidence, 'agentId' | 'seq'>): string {
  return `evidence/${item.agentId.replace(/[^\w.-]/g, '_')}-${item.seq}.jpg`;
}

export function evidenceEntries(items: readonly StoredEvidence[]): ReportEvidence[] {
  return items.map((item) => ({
    agent: item.agentId,
    step: item.step,
    errorClass: item.errorClass,
    message: item.message,
    at: new Date(item.at).toISOString(),
    vu: item.vu,
    iteration: item.iteration,
    url: item.url,
    consoleErrors: item.consoleErrors,
    failedRequests: item.failedRequests,
    ...(item.screenshot ? { screenshot: screenshotFile(item) } : {}),
  }));
}

/** Screenshots by the file name report.json gives them. */
export function evidenceImages(items: readonly StoredEvidence[]): Map<string, Buffer> {
  return new Map(items.filter((item) => item.screenshot).map((item) => [screenshotFile(item), item.screenshot!]));
}
