// Runs in every document a VU's page loads (evaluateOnNewDocument), before
// the page's own scripts: it keeps the document's Resource and Navigation
// Timing entries, its Web Vitals (vitals-page.ts) and its last errors, until the VU reads
// them in one round trip, or the document goes away (beforeunload: headless
// Chrome never fires visibilitychange on a navigation, and a binding called
// at pagehide never arrives). Self-contained: it is sent as source text.

import type { PageVitals } from './vitals-page.js';

/** [url, status, dns, connect, tls, ttfb, download, total, bytes, cached 0/1, start, end]; -1: the phase did not happen; start and end are epoch ms. */
export type RequestRecord = [string, number, number, number, number, number, number, number, number, number, number, number];

export interface PageReport {
  /** this document, unique per page view */
  view: string;
  /** epoch ms when its navigation began */
  viewStart: number;
  url: string;
  requests: RequestRecord[];
  /** the view's Web Vitals: only in the final report of a view */
  vitals?: Record<string, number>;
}

export interface PageEvidence {
  consoleErrors: string[];
  failedRequests: Array<{ url: string; status: number }>;
}

export function installCollector(vitals: PageVitals, names: { report: string; evidence: string; binding: string }): void {
  const KEEP_ERRORS = 5;
  const origin = performance.timeOrigin;
  const state = {
    view: Math.random().toString(36).slice(2) + Date.now().toString(36),
    requests: [] as RequestRecord[],
    navigationTaken: false,
    ended: false,
    consoleErrors: [] as string[],
    failedRequests: [] as Array<{ url: string; status: number }>,
  };
  const keep = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > KEEP_ERRORS) list.shift();
  };
  const since = (end: number, start: number) => (end > 0 && start > 0 && end >= start ? end - start : -1);
  const record = (e: PerformanceResourceTiming) => {
    const status = (e as PerformanceResourceTiming & { responseStatus?: number }).responseStatus ?? 0;
    const cached = (e as PerformanceResourceTiming & { deliveryType?: string }).deliveryType === 'cache' || (e.transferSize === 0 && e.encodedBodySize > 0);
    const secure = e.secureConnectionStart;
    const connected = e.connectEnd > e.connectStart;
    state.requests.push([
      e.name,
      status,
      e.domainLookupEnd > e.domainLookupStart ? e.domainLookupEnd - e.domainLookupStart : -1,
      connected ? (secure > 0 ? secure : e.connectEnd) - e.connectStart : -1,
      connected && secure > 0 ? e.connectEnd - secure : -1,
      cached ? -1 : since(e.responseStart, e.requestStart),
      cached ? -1 : since(e.responseEnd, e.responseStart),
      e.duration,
      e.transferSize,
      cached ? 1 : 0,
      origin + e.startTime,
      origin + e.responseEnd,
    ]);
    if (status >= 400 || (status === 0 && e.responseStart === 0 && e.transferSize === 0 && !cached)) {
      keep(state.failedRequests, { url: e.name, status });
    }
  };
  const takeNavigation = () => {
    if (state.navigationTaken) return;
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    // Complete once its last byte is in; before that it is read again next time.
    if (!navigation || navigation.responseEnd === 0) return;
    state.navigationTaken = true;
    record(navigation);
  };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record(entry as PerformanceResourceTiming);
  });
  observer.observe({ type: 'resource', buffered: true });
  const text = (value: unknown) => {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === 'string') return value;
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  };
  const consoleError = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    keep(state.consoleErrors, args.map(text).join(' ').slice(0, 1000));
    consoleError(...args);
  };
  addEventListener('error', (event) => {
    if (event instanceof ErrorEvent) keep(state.consoleErrors, `uncaught ${text(event.error ?? event.message)}`.slice(0, 1000));
  });
  addEventListener('unhandledrejection', (event) => keep(state.consoleErrors, `unhandled rejection: ${text(event.reason)}`.slice(0, 1000)));

  /** Requests since the last report; with `end`, the view's vitals too, once: the view counts as ended. */
  const take = (end: boolean): PageReport => {
    // Entries the observer has not been called back with yet.
    for (const entry of observer.takeRecords()) record(entry as PerformanceResourceTiming);
    takeNavigation();
    const out: PageReport = { view: state.view, viewStart: origin, url: location.href, requests: state.requests };
    state.requests = [];
    if (end && !state.ended) {
      state.ended = true;
      out.vitals = vitals.values();
    }
    return out;
  };
  // A view that ends while an input's Event Timing entry is on its way waits for it: else the last click's INP is lost.
  const report = (end: boolean): PageReport | Promise<PageReport> => {
    if (!end || state.ended) return take(false);
    const input = vitals.inputSettled();
    return input ? input.then(() => take(true)) : take(true);
  };
  const flush = () => {
    if (state.ended) return;
    const binding = (globalThis as unknown as Record<string, ((payload: string) => void) | undefined>)[names.binding];
    binding?.(JSON.stringify(take(true)));
  };
  addEventListener('beforeunload', flush, true);
  addEventListener('pagehide', flush, true);
  Object.defineProperty(globalThis, names.report, { value: report });
  Object.defineProperty(globalThis, names.evidence, {
    value: (): PageEvidence => ({ consoleErrors: [...state.consoleErrors], failedRequests: [...state.failedRequests] }),
  });
}
