// One record per request the browser made, from the DevTools Network events
// (the stream puppeteer already enables and parses for every page, frame and
// worker): each redirect hop, a POST whose body the page never reads, and a
// request to another origin, timed by the network layer whatever
// Timing-Allow-Origin says. Pure: it is fed event objects, so it is tested
// without a browser.
import type { Protocol } from 'puppeteer-core';
import type { RequestSample } from '../../src/metrics/request-stats.js';

export interface NetworkRecord {
  /** epoch ms on this host's clock when the request began */
  startedAt: number;
  /** epoch ms when its last byte arrived, or it failed */
  endedAt: number;
  sample: RequestSample;
}

interface Pending {
  url: string;
  method: string;
  /** the network layer's monotonic clock, in seconds */
  startTs: number;
  startedAt: number;
  response?: Protocol.Network.Response;
  /** when the response's headers came, on the network layer's clock */
  responseTs?: number;
  /** the body's bytes so far, and when the last of them came */
  body?: { bytes: number; lastTs: number };
  fromMemoryCache: boolean;
  /** loaded before its response was told (a worker's script: its response comes on the worker's session) */
  loaded?: { endTs: number; bytes: number };
}

/** Requests that never end (a long poll, a stream) must not grow the ledger without bound. */
export const MAX_IN_FLIGHT = 1000;

export function isNetworkUrl(url: string): boolean {
  return url.startsWith('http://') || url.startsWith('https://');
}

export class NetworkLedger {
  private readonly inFlight = new Map<string, Pending>();

  constructor(private readonly done: (record: NetworkRecord) => void) {}

  /** Requests under way: loaded ones still waiting for their response count too. */
  get pending(): number {
    return this.inFlight.size;
  }

  requestWillBeSent(event: Protocol.Network.RequestWillBeSentEvent): void {
    const previous = this.inFlight.get(event.requestId);
    // The same id again with a redirect response: the hop before it ended here.
    if (previous && event.redirectResponse) {
      this.finish(previous, event.redirectResponse, event.timestamp, event.redirectResponse.encodedDataLength);
    }
    this.inFlight.delete(event.requestId);
    if (!isNetworkUrl(event.request.url)) return;
    if (this.inFlight.size >= MAX_IN_FLIGHT) this.inFlight.delete(this.inFlight.keys().next().value!);
    this.inFlight.set(event.requestId, {
      url: event.request.url,
      method: event.request.method.slice(0, 32),
      startTs: event.timestamp,
      startedAt: event.wallTime * 1000,
      fromMemoryCache: false,
    });
  }

  requestServedFromCache(event: Protocol.Network.RequestServedFromCacheEvent): void {
    const pending = this.inFlight.get(event.requestId);
    if (pending) pending.fromMemoryCache = true;
  }

  responseReceived(event: Protocol.Network.ResponseReceivedEvent): void {
    const pending = this.inFlight.get(event.requestId);
    if (!pending) return;
    pending.response = event.response;
    pending.responseTs = event.timestamp;
    if (pending.loaded) {
      this.inFlight.delete(event.requestId);
      this.finish(pending, pending.response, pending.loaded.endTs, pending.loaded.bytes);
    }
  }

  /** A chunk of a body: a body still arriving is not one the page never reads. */
  dataReceived(event: Protocol.Network.DataReceivedEvent): void {
    const pending = this.inFlight.get(event.requestId);
    if (!pending) return;
    pending.body = { bytes: (pending.body?.bytes ?? 0) + event.encodedDataLength, lastTs: event.timestamp };
  }

  loadingFinished(event: Protocol.Network.LoadingFinishedEvent): void {
    const pending = this.inFlight.get(event.requestId);
    if (!pending) return;
    if (!pending.response) {
      pending.loaded = { endTs: event.timestamp, bytes: event.encodedDataLength };
      return;
    }
    this.inFlight.delete(event.requestId);
    this.finish(pending, pending.response, event.timestamp, event.encodedDataLength);
  }

  /** Ends the requests that loaded but whose response was never told: they count, with status 0. */
  finishLoaded(): void {
    for (const [id, pending] of this.inFlight) {
      if (!pending.loaded) continue;
      this.inFlight.delete(id);
      this.finish(pending, undefined, pending.loaded.endTs, pending.loaded.bytes);
    }
  }

  /**
   * Ends the answered requests whose body has not finished loading and has
   * had nothing new for `unreadForMs` (every answered one without it, when
   * the page is gone): a fetch whose page never reads the body
   * (`(await fetch(url)).status`) gets no loadingFinished while its page
   * lives, and would vanish from the report. It counts with its status,
   * ended at its last byte seen (its headers, when no body came).
   */
  finishAnswered(unreadForMs?: number, now = Date.now()): void {
    for (const [id, pending] of this.inFlight) {
      if (!pending.response || pending.responseTs === undefined || pending.loaded) continue;
      const lastTs = Math.max(pending.responseTs, pending.body?.lastTs ?? 0);
      const lastAt = pending.startedAt + (lastTs - pending.startTs) * 1000;
      if (unreadForMs !== undefined && now - lastAt < unreadForMs) continue;
      this.inFlight.delete(id);
      this.finish(pending, pending.response, lastTs, pending.response.encodedDataLength + (pending.body?.bytes ?? 0));
    }
  }

  /** The request went out with another method than its requestWillBeSent said (interception continued it so). */
  rewrote(requestId: string, method: string): void {
    const pending = this.inFlight.get(requestId);
    if (pending) pending.method = method.slice(0, 32);
  }

  loadingFailed(event: Protocol.Network.LoadingFailedEvent): void {
    const pending = this.take(event.requestId);
    if (pending) this.finish(pending, pending.response, event.timestamp, 0, failureOf(event));
  }

  /** Forgets requests still under way: their page or context is gone. */
  clear(): void {
    this.inFlight.clear();
  }

  private take(requestId: string): Pending | undefined {
    const pending = this.inFlight.get(requestId);
    this.inFlight.delete(requestId);
    return pending;
  }

  private finish(pending: Pending, response: Protocol.Network.Response | undefined, endTs: number, bytes: number, error?: string): void {
    const endedAt = pending.startedAt + Math.max(0, (endTs - pending.startTs) * 1000);
    this.done({ startedAt: pending.startedAt, endedAt, sample: sampleOf(pending, response, endTs, bytes, error) });
  }
}

function failureOf(event: Protocol.Network.LoadingFailedEvent): string {
  if (event.corsErrorStatus) return `CORS ${event.corsErrorStatus.corsError}`;
  if (event.blockedReason) return `blocked: ${event.blockedReason}`;
  return event.errorText || (event.canceled ? 'net::ERR_ABORTED' : 'failed');
}

/** The phases from the network layer's timing block: milliseconds after `requestTime`, -1 when a phase did not happen. */
function sampleOf(pending: Pending, response: Protocol.Network.Response | undefined, endTs: number, bytes: number, error: string | undefined): RequestSample {
  const cached = pending.fromMemoryCache || response?.fromDiskCache === true || response?.fromPrefetchCache === true;
  const phases: RequestSample['phases'] = {};
  const timing = response?.timing;
  if (timing && !cached) {
    if (timing.dnsStart >= 0 && timing.dnsEnd >= timing.dnsStart) phases.dns = timing.dnsEnd - timing.dnsStart;
    if (timing.connectStart >= 0 && timing.connectEnd >= timing.connectStart) {
      phases.connect = (timing.sslStart >= 0 ? timing.sslStart : timing.connectEnd) - timing.connectStart;
      if (timing.sslStart >= 0 && timing.sslEnd >= timing.sslStart) phases.tls = timing.sslEnd - timing.sslStart;
    }
    // The first byte of the headers where Chromium says when that was; else their end.
    const firstByte = timing.receiveHeadersStart > 0 ? timing.receiveHeadersStart : timing.receiveHeadersEnd;
    if (timing.sendStart >= 0 && firstByte >= timing.sendStart) phases.ttfb = firstByte - timing.sendStart;
    const lastByte = (endTs - timing.requestTime) * 1000;
    if (error === undefined && timing.receiveHeadersEnd >= 0 && lastByte >= timing.receiveHeadersEnd) phases.download = lastByte - timing.receiveHeadersEnd;
  }
  if (error === undefined) phases.total = Math.max(0, (endTs - pending.startTs) * 1000);
  return {
    url: pending.url,
    method: pending.method,
    status: response?.status ?? 0,
    ...(error !== undefined ? { failed: true, error: error.slice(0, 300) } : {}),
    bytes: cached ? 0 : Math.max(0, bytes),
    cached,
    ...(response?.fromServiceWorker ? { serviceWorker: true } : {}),
    phases,
  };
}
