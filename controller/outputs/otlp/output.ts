// --out otlp=URL: each complete window's metrics to an OTLP/HTTP endpoint
// (protobuf), encoded and sent by the official OpenTelemetry exporter. The
// delivery queue, not the exporter, decides order, retries and what is held
// while the target is down, as for every exporter, so one export here is one
// HTTP request (see withoutOwnRetries). Never throws into the run.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { CompletedWindow, LateWindow, LiveOutput, LiveRunInfo, OutputSummary } from '../../live/output.js';
import { DeliveryError, DeliveryQueue } from '../delivery.js';
import type { MetricBatch } from '../metric-points.js';
import type { ExporterOptions } from '../options.js';
import { WindowMetrics } from '../window-metrics.js';
import { shownUrl } from '../shown-url.js';
import { estimatedBytes, toResourceMetrics } from './resource-metrics.js';

interface Payload {
  metrics: ResourceMetrics;
  /** fixed when made: the queue weighs a payload the same when it takes it in and lets it go */
  bytes: number;
}

/** What turns the run's windows into metric batches: WindowMetrics, or a test's own batches. */
export interface BatchSource {
  window(window: CompletedWindow): MetricBatch;
  late(late: LateWindow): void;
  readonly hasUnsentLate: boolean;
  flush(timestampMs: number): MetricBatch;
}

export function otlpMetrics(
  url: string,
  options: ExporterOptions,
  batchesOf: (run: LiveRunInfo, options: ExporterOptions) => BatchSource = (run, given) => new WindowMetrics(run, given),
): LiveOutput {
  const name = `otlp ${shownUrl(url)}`;
  const sender = new OtlpSender(url, options.requestTimeoutMs);
  const queue = new DeliveryQueue<Payload>({
    send: (payload) => sender.send(payload.metrics),
    sizeOf: (payload) => payload.bytes,
    budgetBytes: options.budgetBytes,
  });
  let run: LiveRunInfo | undefined;
  let windows: BatchSource | undefined;
  // A window that could not even be made into metrics is as lost as one the target never got.
  let unmade = 0;
  let unmadeError: string | undefined;
  const offer = (make: () => MetricBatch | undefined) => {
    if (!run) return;
    try {
      const batch = make();
      if (!batch) return;
      const metrics = toResourceMetrics(batch, run);
      queue.push({ metrics, bytes: estimatedBytes(metrics) });
    } catch (error) {
      unmade += 1;
      unmadeError = error instanceof Error ? error.message : String(error);
    }
  };

  return {
    name,
    start(info) {
      run = info;
      windows = batchesOf(info, options);
    },
    windowComplete(window) {
      offer(() => windows?.window(window));
    },
    windowLate(late) {
      offer(() => void windows?.late(late));
    },
    async stop({ deadlineMs }): Promise<OutputSummary | undefined> {
      const deadline = Date.now() + deadlineMs;
      // What late agents added after the last complete window goes out once more, with the run's last counts.
      if (windows?.hasUnsentLate) offer(() => windows?.flush(Date.now()));
      const stats = await queue.drain(deadlineMs);
      await sender.close(deadline - Date.now());
      const undelivered = stats.undelivered + unmade;
      if (undelivered === 0) return undefined;
      // No error yet means the target took requests and never answered them before the deadline.
      const reason = stats.lastError ?? unmadeError ?? 'no answer before the deadline';
      return {
        line: `${name}: ${undelivered} of ${stats.offered + unmade} windows not delivered (${reason})`,
        undelivered,
      };
    },
  };
}

/** The official exporter, one request per export, on an HTTP agent of its own so that stopping can cut a request still under way. */
export class OtlpSender {
  private readonly exporter: OTLPMetricExporter;
  private agent: HttpAgent | undefined;
  /** false if a newer exporter is shaped otherwise: its own retries then stay, bounded by its timeout */
  readonly retriesOwnedByQueue: boolean;

  constructor(url: string, timeoutMillis: number) {
    this.exporter = new OTLPMetricExporter({
      url,
      timeoutMillis,
      httpAgentOptions: (protocol) => (this.agent = protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })),
    });
    this.retriesOwnedByQueue = withoutOwnRetries(this.exporter);
  }

  send(metrics: ResourceMetrics): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.exporter.export(metrics, (result) => (result.code === EXPORT_SUCCESS ? resolve() : reject(deliveryError(result.error))));
      } catch (error) {
        reject(error);
      }
    });
  }

  /** Cuts what is under way (it fails and is counted), then shuts the exporter down, within `withinMs`. */
  async close(withinMs: number): Promise<void> {
    this.agent?.destroy();
    const shutdown = this.exporter.shutdown().catch(() => undefined);
    await Promise.race([shutdown, new Promise((resolve) => setTimeout(resolve, Math.max(0, withinMs)).unref())]);
  }
}

const RETRYABLE_STATUS = 'Export failed with retryable status';

// ExportResultCode.SUCCESS of @opentelemetry/core, which squall does not depend on directly.
const EXPORT_SUCCESS = 0;

/** The exporter's errors as the queue reads them: a 4xx other than 408 and 429 is the target refusing this payload, and sending it again cannot help. */
function deliveryError(error: Error | undefined): Error {
  if (!error) return new Error('export failed');
  // The exporter drops the status of the answers it deems worth retrying; these are the ones.
  if (error.message === RETRYABLE_STATUS) return new Error('HTTP 429, 502, 503 or 504: the target is busy or unavailable');
  const status = (error as { code?: unknown }).code;
  if (typeof status !== 'number') return error;
  const refused = status >= 400 && status < 500 && status !== 408 && status !== 429;
  return new DeliveryError(`HTTP ${status}${error.message ? ` ${error.message}` : ''}`, !refused);
}

interface RetryingTransportShape {
  retry?: unknown;
  send?: unknown;
  _transport?: { send?: unknown; shutdown?: unknown };
}

/**
 * The exporter wraps its HTTP transport in one that retries a failed request
 * up to 5 times within its timeout, on timers that keep the process alive.
 * Under the delivery queue, which retries too, the two would multiply (a
 * target down for a minute gets bursts of requests per attempt) and a stop
 * would leave those timers running past its deadline. No option turns it
 * off, so the wrapper is taken off: the exporter's own HTTP transport,
 * serializer and headers stay. Checked by shape (@opentelemetry is pinned;
 * otlp.test.ts fails if a new version moves it).
 */
function withoutOwnRetries(exporter: OTLPMetricExporter): boolean {
  const delegate = (exporter as unknown as { _delegate?: { _transport?: RetryingTransportShape } })._delegate;
  const retrying = delegate?._transport;
  const inner = retrying?._transport;
  if (!delegate || typeof retrying?.retry !== 'function' || typeof inner?.send !== 'function' || typeof inner.shutdown !== 'function') return false;
  delegate._transport = inner;
  return true;
}
