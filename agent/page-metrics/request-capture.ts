// A VU's requests: every request its browser context makes (pages, frames,
// popups, workers), from the network layer, attributed to the step that was
// running when it began, handed on in batches when the VU reads its metrics
// (no round trip: the records are already here).
import type { BrowserContext, CDPSession } from 'puppeteer-core';
import type { PageEvidence } from './collector-page.js';
import { BrowserNetwork } from './browser-network.js';
import { NetworkLedger, type NetworkRecord } from './network-ledger.js';
import type { ObservedRequest, PageMetricsSink } from './page-metrics.js';
import type { StepTimeline } from './timeline.js';

const KEEP_FAILURES = 5;
/** A VU that never reads (a step that runs for minutes) still sends its requests on. */
const FLUSH_AT = 500;
const SETTLE_POLL_MS = 20;
/** An answered request whose body has not finished loading after this long is taken as one whose body the page never reads. */
const UNREAD_BODY_MS = 30_000;

export class RequestCapture {
  private batch: ObservedRequest[] = [];
  private readonly lastFailures: PageEvidence['failedRequests'] = [];
  private readonly ledger = new NetworkLedger((record) => this.take(record));
  private readonly unregister: () => void;

  private constructor(
    private readonly network: BrowserNetwork,
    context: BrowserContext,
    private readonly timeline: StepTimeline,
    private readonly sink: Pick<PageMetricsSink, 'requests'>,
  ) {
    this.unregister = network.register(context, this.ledger);
  }

  /** Undefined for a browser whose connection puppeteer does not expose. */
  static open(context: BrowserContext, timeline: StepTimeline, sink: Pick<PageMetricsSink, 'requests'>): RequestCapture | undefined {
    const network = BrowserNetwork.of(context.browser());
    return network && new RequestCapture(network, context, timeline, sink);
  }

  /** Requests under way now: their records come when they end. */
  get pending(): number {
    return this.ledger.pending;
  }

  /** A request continued with another method than it was sent with (a URL list's POST line): it is recorded with that one. */
  rewrote(requestId: string, method: string): void {
    this.ledger.rewrote(requestId, method);
  }

  /** A page session made before the capture opened: its requests count too. */
  follow(session: CDPSession): void {
    this.network.follow(session, false);
  }

  /** Hands on the requests that ended since the last flush. */
  flush(): void {
    this.ledger.finishAnswered(UNREAD_BODY_MS);
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.sink.requests(batch);
  }

  /** The last 4xx/5xx responses and failed requests, for a failed step's evidence. */
  failures(): PageEvidence['failedRequests'] {
    return [...this.lastFailures];
  }

  /** Waits, up to `maxMs`, for the requests under way to end: a VU's last iteration's are its run's too. */
  async settle(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (this.ledger.pending > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }

  close(): void {
    this.ledger.finishLoaded();
    this.ledger.finishAnswered();
    this.flush();
    this.unregister();
  }

  private take(record: NetworkRecord): void {
    const { sample } = record;
    this.batch.push({ step: this.timeline.stepAt(record.startedAt), endedAt: record.endedAt, sample });
    if (sample.failed || sample.status >= 400) {
      this.lastFailures.push({ url: sample.url, status: sample.status, ...(sample.error ? { error: sample.error } : {}) });
      if (this.lastFailures.length > KEEP_FAILURES) this.lastFailures.shift();
    }
    if (this.batch.length >= FLUSH_AT) this.flush();
  }
}
