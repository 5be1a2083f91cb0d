// Which step a request or a page view belongs to, by when it began: the
// page times them on the host's clock, the VU knows when each step ran.
import type { RequestSample } from '../../src/metrics/request-stats.js';
import type { RequestRecord } from './collector-page.js';

/** Before any step of the run began (a page opened by the scenario outside steps). */
export const NO_STEP = '(no step)';
const KEEP = 64;

export class StepTimeline {
  private readonly spans: Array<{ name: string; start: number; end: number }> = [];

  begin(name: string, at: number): void {
    this.spans.push({ name, start: at, end: Number.POSITIVE_INFINITY });
    if (this.spans.length > KEEP) this.spans.shift();
  }

  end(at: number): void {
    const last = this.spans.at(-1);
    if (last && last.end === Number.POSITIVE_INFINITY) last.end = at;
  }

  /**
   * The step running at `t`; between steps, the one before (a request a page
   * makes after its step ended, in think time, is that page's); before
   * every step kept, the first.
   */
  stepAt(t: number): string {
    for (let i = this.spans.length - 1; i >= 0; i -= 1) {
      const span = this.spans[i]!;
      if (span.start <= t) return span.name;
    }
    return this.spans[0]?.name ?? NO_STEP;
  }
}

/** A record from the page as a sample; `failed` when the browser saw the request fail (Resource Timing alone cannot tell). */
export function sampleOf(record: RequestRecord, failed: boolean): RequestSample {
  const [url, status, dns, connect, tls, ttfb, download, total, bytes, cached] = record;
  const phases: RequestSample['phases'] = {};
  if (dns >= 0) phases.dns = dns;
  if (connect >= 0) phases.connect = connect;
  if (tls >= 0) phases.tls = tls;
  if (ttfb >= 0) phases.ttfb = ttfb;
  if (download >= 0) phases.download = download;
  if (total >= 0 && !failed) phases.total = total;
  return { url, status, ...(failed ? { failed } : {}), bytes, cached: cached === 1, phases };
}
