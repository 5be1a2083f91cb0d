// The VU's side of the page collector: installs it on a page, reads it in one
// round trip when asked, takes what a document sent as it went away, and
// turns the page's records into samples attributed to steps.
import type { CDPSession, Page } from 'puppeteer-core';
import { valueWithin } from '../../src/settled-within.js';
import type { RequestSample, VitalValues } from '../../src/metrics/request-stats.js';
import type { PageEvidence, PageReport } from './collector-page.js';
import { COLLECTOR_NAMES, collectorScript } from './collector-script.js';
import { sampleOf, StepTimeline } from './timeline.js';

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
const KEEP_FAILURES = 5;

export class PageMetrics {
  readonly timeline = new StepTimeline();
  /** URLs the browser saw fail, with why, until their Resource Timing record comes */
  private readonly failures = new Map<string, string[]>();
  private readonly lastFailures: Array<{ url: string; error: string }> = [];

  private constructor(
    private readonly page: Page,
    private readonly session: CDPSession,
    private readonly sink: PageMetricsSink,
  ) {}

  static async install(page: Page, sink: PageMetricsSink): Promise<PageMetrics> {
    const session = await pageSession(page);
    const metrics = new PageMetrics(page, session, sink);
    // Puppeteer already follows the Network domain for every page; this listener only reads what it parsed.
    page.on('requestfailed', (request) => metrics.failed(request.url(), request.failure()?.errorText ?? 'failed'));
    session.on('Runtime.bindingCalled', (event: { name: string; payload: string }) => {
      if (event.name === COLLECTOR_NAMES.binding) metrics.take(JSON.parse(event.payload) as PageReport);
    });
    await session.send('Runtime.addBinding', { name: COLLECTOR_NAMES.binding });
    await page.evaluateOnNewDocument(collectorScript());
    return metrics;
  }

  /** Takes the current document's requests; with `endView`, its vitals too, once. */
  async read(endView: boolean): Promise<void> {
    // An expression in the page's main world, straight over the page's session: none of
    // puppeteer's function serialisation and handle bookkeeping for one JSON value.
    const expression = `globalThis.${COLLECTOR_NAMES.report}?.(${endView})`;
    const result = await valueWithin(this.session.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }), READ_TIMEOUT_MS);
    const report = result?.result.value as PageReport | undefined;
    if (report) this.take(report);
  }

  /** The page's last errors and failed requests, for a failed step's evidence. */
  async evidence(): Promise<PageEvidence> {
    const fromPage = (await valueWithin(
      this.page.evaluate((name: string) => {
        const read = (globalThis as unknown as Record<string, (() => unknown) | undefined>)[name];
        return read ? read() : undefined;
      }, COLLECTOR_NAMES.evidence),
      READ_TIMEOUT_MS,
    )) as PageEvidence | undefined;
    const failedRequests = [...(fromPage?.failedRequests ?? [])];
    for (const { url, error } of this.lastFailures) {
      const known = failedRequests.find((r) => r.url === url && r.status === 0);
      if (known) Object.assign(known, { error });
      else failedRequests.push({ url, status: 0, error } as PageEvidence['failedRequests'][number]);
    }
    return { consoleErrors: fromPage?.consoleErrors ?? [], failedRequests: failedRequests.slice(-KEEP_FAILURES) };
  }

  private failed(url: string, error: string): void {
    // Aborted requests never get a Resource Timing record: forget the oldest rather than grow.
    if (this.failures.size >= 200) this.failures.delete(this.failures.keys().next().value!);
    const list = this.failures.get(url) ?? [];
    list.push(error);
    this.failures.set(url, list);
    this.lastFailures.push({ url, error });
    if (this.lastFailures.length > KEEP_FAILURES) this.lastFailures.shift();
  }

  private take(report: PageReport): void {
    const batch: ObservedRequest[] = report.requests.map((record) => {
      const [url, status] = record;
      const failed = status === 0 && this.consumeFailure(url);
      return { step: this.timeline.stepAt(record[10]), endedAt: record[11], sample: sampleOf(record, failed) };
    });
    if (batch.length > 0) this.sink.requests(batch);
    if (report.vitals) this.sink.pageViewEnded({ step: this.timeline.stepAt(report.viewStart), vitals: report.vitals });
  }

  private consumeFailure(url: string): boolean {
    const list = this.failures.get(url);
    if (!list) return false;
    list.shift();
    if (list.length === 0) this.failures.delete(url);
    return true;
  }
}
