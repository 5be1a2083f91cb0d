// --out prometheus-rw=URL: every complete window, as a Prometheus
// remote-write 1.0 request, to a Prometheus (--web.enable-remote-write-receiver),
// Mimir, Thanos, VictoriaMetrics or anything else that takes it. Sends go
// through the delivery queue: in order, retried, within a memory budget; a
// target that is down costs windows, counted for the summary, never the run.
import type { CompletedWindow, LateWindow, LiveOutput, LiveRunInfo, OutputSummary } from '../../live/output.js';
import { DeliveryError, DeliveryQueue } from '../delivery.js';
import { FOLDED_LABEL, type ExporterOptions } from '../options.js';
import { CAPPED_LABELS, WindowMetrics } from '../window-metrics.js';
import { encodeWriteRequest } from './encode.js';
import { shownUrl } from '../shown-url.js';

/** The headers remote-write 1.0 asks a sender for. */
const HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
  'User-Agent': 'squall',
};

/** How much of a refusal's body is worth a summary line. */
const MAX_REASON_CHARS = 200;

export function prometheusRemoteWrite(url: string, options: ExporterOptions): LiveOutput {
  const target = targetOf(url);
  const name = `prometheus-rw ${target.shown}`;
  let metrics: WindowMetrics | undefined;
  const queue = new DeliveryQueue<Uint8Array<ArrayBuffer>>({
    send: (body) => post(target, body, options.requestTimeoutMs),
    sizeOf: (body) => body.byteLength,
    budgetBytes: options.budgetBytes,
  });
  return {
    name,
    start(run: LiveRunInfo) {
      metrics = new WindowMetrics(run, options);
    },
    windowComplete(window: CompletedWindow) {
      if (metrics) queue.push(encodeWriteRequest(metrics.window(window)));
    },
    windowLate(late: LateWindow) {
      metrics?.late(late);
    },
    async stop({ deadlineMs }): Promise<OutputSummary | undefined> {
      try {
        // What late windows added after the last complete one would otherwise never be sent.
        if (metrics?.hasUnsentLate) queue.push(encodeWriteRequest(metrics.flush(Date.now())));
        const stats = await queue.drain(deadlineMs);
        const parts: string[] = [];
        if (stats.undelivered > 0) parts.push(`${stats.undelivered} of ${stats.offered} windows not delivered${stats.lastError ? ` (${stats.lastError})` : ''}`);
        const folded = metrics ? foldedText(metrics, options.maxLabelValues) : undefined;
        if (folded) parts.push(folded);
        return parts.length > 0 ? { line: `${name}: ${parts.join('; ')}`, undelivered: stats.undelivered } : undefined;
      } catch (error) {
        return { line: `${name}: stopped with an error (${messageOf(error)})`, undelivered: queue.held };
      }
    },
  };
}

interface Target {
  /** the URL without credentials: what is fetched */
  href: string;
  /** the URL as messages show it: credentials masked */
  shown: string;
  authorization?: string;
}

/** user:password@ in the URL becomes basic auth (fetch refuses credentials in a URL) and is never shown. */
function targetOf(url: string): Target {
  const parsed = new URL(url);
  const shown = shownUrl(url);
  if (parsed.username === '' && parsed.password === '') return { href: parsed.href, shown };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { href: parsed.href, shown, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

async function post(target: Target, body: Uint8Array<ArrayBuffer>, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(target.href, {
      method: 'POST',
      headers: { ...HEADERS, ...(target.authorization ? { Authorization: target.authorization } : {}) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new DeliveryError(networkReason(error, timeoutMs), true);
  }
  if (response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const reason = `HTTP ${response.status}${await bodyReason(response)}`;
  // 4xx: the target refused this payload itself (a bad sample, out of order), so sending it again cannot help; 429 asks to come back later.
  throw new DeliveryError(reason, response.status === 429 || response.status >= 500);
}

/** fetch says "fetch failed" and keeps the reason in its cause: "connect ECONNREFUSED 127.0.0.1:9". */
function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? error.cause : undefined;
  return messageOf(cause ?? error);
}

/** The first words of a refusal (Prometheus says why: "out of order sample"), on one line, bounded: the target is not ours. */
async function bodyReason(response: Response): Promise<string> {
  try {
    const reader = response.body?.getReader();
    if (!reader) return '';
    let text = '';
    const decoder = new TextDecoder();
    while (text.length < MAX_REASON_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel().catch(() => undefined);
    const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, MAX_REASON_CHARS);
    return line ? `: ${line}` : '';
  } catch {
    return '';
  }
}

function foldedText(metrics: WindowMetrics, cap: number): string | undefined {
  const folded = metrics.folded;
  const named = CAPPED_LABELS.filter((label) => folded[label] > 0).map((label) => `${folded[label]} ${label}`);
  if (named.length === 0) return undefined;
  return `label values past the cap (${cap} per label) exported as "${FOLDED_LABEL}": ${named.join(', ')}`;
}

/** An AggregateError (every address of a name refused) has no message of its own: its first error says it. */
function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || String((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
