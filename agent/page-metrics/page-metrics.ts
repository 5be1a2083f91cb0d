// The VU's side of the page collector: installs it on a page, reads a view's
// Web Vitals in one round trip when the view ends, takes what a document sent
// as it went away, and hands on the VU's requests (request-capture.ts) with
// each read.
import type { CDPSession, Page } from 'puppeteer-core';
import { valueWithin } from '../../src/settled-within.js';
import type { RequestSample, VitalValues } from '../../src/metrics/request-stats.js';
import type { PageEvidence, PageReport } from './collector-page.js';
import { COLLECTOR_NAMES, collectorScript } from './collector-script.js';
import type { RequestCapture } from './request-capture.js';
import type { StepTimeline } from './timeline.js';

export interface ObservedRequest {
  step: string;
  /** epoch ms on the host's clock when its last byte arrived */
  endedAt: number;
  sample: RequestSample;
}

export interface EndedPageView {
  /** the step it began in */
  step: string;
  vitals: VitalValues;
}

export interface PageMetricsSink {
  requests(batch: ObservedRequest[]): void;
  pageViewEnded(view: EndedPageView): void;
}

/**
 * The page's own DevTools session, where puppeteer has the Runtime domain on
 * already: a session of our own would need Runtime enabled again, and every
 * context event of every navigation would be sent and parsed twice. Puppeteer
 * ignores bindings it does not know. `_client()` is puppeteer's (internal)
 * accessor; without it, a session of our own.
 */
async function pageSession(page: Page): Promise<CDPSession> {
  const own = (page as unknown as { _client?: () => CDPSession })._client?.();
  if (own) return own;
  const session = await page.createCDPSession();
  await session.send('Runtime.enable');
  return session;
}

/** A read gives up after this: a page whose script hangs must not hang the VU. */
const READ_TIMEOUT_MS = 2000;

export class PageMetrics {
  private constructor(
    private readonly page: Page,
    private readonly session: CDPSession,
    private readonly sink: PageMetricsSink,
    private readonly timeline: StepTimeline,
    private readonly requests: RequestCapture | undefined,
  ) {}

  /** `requests`: the capture of the page's browser context, flushed with every read. */
  static async install(page: Page, sink: PageMetricsSink, timeline: StepTimeline, requests: RequestCapture | undefined): Promise<PageMetrics> {
    const session = await pageSession(page);
    requests?.follow(session);
    const metrics = new PageMetrics(page, session, sink, timeline, requests);
    session.on('Runtime.bindingCalled', (event: { name: string; payload: string }) => {
      if (event.name === COLLECTOR_NAMES.binding) metrics.take(JSON.parse(event.payload) as PageReport);
    });
    await session.send('Runtime.addBinding', { name: COLLECTOR_NAMES.binding });
    await page.evaluateOnNewDocument(collectorScript());
    return metrics;
  }

  /** Hands on the requests that ended; with `endView`, the current view's vitals too, once. */
  async read(endView: boolean): Promise<void> {
    if (endView) {
      // An expression in the page's main world, straight over the page's session: none of
      // puppeteer's function serialisation and handle bookkeeping for one JSON value.
      const expression = `globalThis.${COLLECTOR_NAMES.report}?.()`;
      const result = await valueWithin(this.session.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }), READ_TIMEOUT_MS);
      const report = result?.result.value as PageReport | undefined;
      if (report) this.take(report);
    }
    this.requests?.flush();
  }

  /** The page's last errors and its context's failed requests, for a failed step's evidence. */
  async evidence(): Promise<PageEvidence> {
    const fromPage = (await valueWithin(
      this.page.evaluate((name: string) => {
        const read = (globalThis as unknown as Record<string, (() => unknown) | undefined>)[name];
        return read ? read() : undefined;
      }, COLLECTOR_NAMES.evidence),
      READ_TIMEOUT_MS,
    )) as Pick<PageEvidence, 'consoleErrors'> | undefined;
    return { consoleErrors: fromPage?.consoleErrors ?? [], failedRequests: this.requests?.failures() ?? [] };
  }

  private take(report: PageReport): void {
    if (report.vitals) this.sink.pageViewEnded({ step: this.timeline.stepAt(report.viewStart), vitals: report.vitals });
  }
}
