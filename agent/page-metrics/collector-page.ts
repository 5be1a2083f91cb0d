// Runs in every document a VU's page loads (evaluateOnNewDocument), before
// the page's own scripts: it keeps a top-level page view's Web Vitals
// (vitals-page.ts) and its last errors, until the VU reads them in one round
// trip, or the document goes away (beforeunload: headless Chrome never fires
// visibilitychange on a navigation, and a binding called at pagehide is lost
// when another site's process takes the page over; the handler costs about
// 1 ms of Chromium's CPU a navigation, as the browser asks the page first,
// measured in docs/benchmarks.md). A frame is not a page view and about:blank
// or data: is not a page at all: there it does nothing. Requests come from the
// network layer (request-capture.ts), not from here. Self-contained: it is sent
// as source text.

import type { PageVitals } from './vitals-page.js';

export interface PageReport {
  /** this document, unique per page view */
  view: string;
  /** epoch ms when its navigation began */
  viewStart: number;
  url: string;
  /** the view's Web Vitals: only in the first report after it ended */
  vitals?: Record<string, number>;
}

export interface PageEvidence {
  consoleErrors: string[];
  failedRequests: Array<{ url: string; status: number; error?: string }>;
}

export function installCollector(watchVitals: () => PageVitals, names: { report: string; evidence: string; binding: string }): void {
  if (window !== window.top || (location.protocol !== 'http:' && location.protocol !== 'https:')) return;
  const vitals = watchVitals();
  const KEEP_ERRORS = 5;
  const origin = performance.timeOrigin;
  const state = {
    view: Math.random().toString(36).slice(2) + Date.now().toString(36),
    ended: false,
    consoleErrors: [] as string[],
  };
  const keep = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > KEEP_ERRORS) list.shift();
  };
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

  /** The view's vitals, once: the view counts as ended. */
  const take = (): PageReport => {
    const out: PageReport = { view: state.view, viewStart: origin, url: location.href };
    if (!state.ended) {
      state.ended = true;
      out.vitals = vitals.values();
    }
    return out;
  };
  // A view that ends while an input's Event Timing entry is on its way waits for it: else the last click's INP is lost.
  const report = (): PageReport | Promise<PageReport> => {
    if (state.ended) return take();
    const input = vitals.inputSettled();
    return input ? input.then(take) : take();
  };
  const flush = () => {
    if (state.ended) return;
    const binding = (globalThis as unknown as Record<string, ((payload: string) => void) | undefined>)[names.binding];
    binding?.(JSON.stringify(take()));
  };
  addEventListener('beforeunload', flush, true);
  addEventListener('pagehide', flush, true);
  Object.defineProperty(globalThis, names.report, { value: report });
  Object.defineProperty(globalThis, names.evidence, { value: (): Pick<PageEvidence, 'consoleErrors'> => ({ consoleErrors: [...state.consoleErrors] }) });
}
