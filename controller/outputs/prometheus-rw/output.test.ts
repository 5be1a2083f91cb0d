// The remote-write exporter against a loopback HTTP server: what it sends
// (headers, snappy protobuf Prometheus can read), what it retries, and what
// its summary says when the target is down or refuses.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import snappy from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import { windowOf } from '../../../test/harness/fake-agent.js';
import { mergeAgentWindows } from '../../../src/metrics/merge.js';
import type { CompletedWindow, LiveOutput, LiveRunInfo } from '../../live/output.js';
import { DEFAULT_EXPORTER_OPTIONS } from '../options.js';
import { WriteRequest, type TimeSeries } from './encode.js';
import { prometheusRemoteWrite } from './output.js';

const T0 = 1_700_000_000_000;
const RUN: LiveRunInfo = {
  runId: 'run-7',
  scenario: 'shop',
  plan: { startVus: 0, stages: [{ durationMs: 5000, target: 1 }], gracefulStopMs: 0 },
  windowMs: 1000,
  t0: T0,
  agents: [{ id: 'local', host: 'localhost' }],
};
const OPTIONS = { ...DEFAULT_EXPORTER_OPTIONS, requestTimeoutMs: 2000 };

interface Received {
  headers: IncomingMessage['headers'];
  timeseries: TimeSeries[];
}

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A target that answers each request with the next status of `statuses` (the last one from then on). */
async function target(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const decoded = WriteRequest.toObject(WriteRequest.decode(snappy.uncompress(new Uint8Array(Buffer.concat(chunks)))), { longs: Number }) as { timeseries: TimeSeries[] };
      received.push({ headers: req.headers, timeseries: decoded.timeseries });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.writeHead(status).end(status >= 400 ? 'out of order sample\n' : '');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/api/v1/write`, received };
}

function window(index: number): CompletedWindow {
  const body = windowOf(T0 + index * 1000, 1000, [100, 200]);
  return { merged: mergeAgentWindows([body]), byAgent: [{ agentId: 'local', body }], missing: [] };
}

function run(output: LiveOutput, windows: number): void {
  output.start!(RUN);
  for (let i = 0; i < windows; i += 1) output.windowComplete(window(i));
}

function sample(received: Received, name: string): number | undefined {
  const series = received.timeseries.find((s) => s.labels.some((l) => l.name === '__name__' && l.value === name));
  return series?.samples[0]?.value;
}

describe('prometheusRemoteWrite', () => {
  it('posts each window as snappy protobuf with the remote-write headers, counters named _total, labels sorted', async () => {
    const { url, received } = await target([204]);
    const output = prometheusRemoteWrite(url, OPTIONS);
    run(output, 3);
    expect(await output.stop!({ deadlineMs: 2000 })).toBeUndefined();
    expect(received).toHaveLength(3);
    expect(received[0]!.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      'user-agent': 'squall',
    });
    expect(received.map((r) => sample(r, 'squall_step_attempts_total'))).toEqual([2, 4, 6]);
    for (const series of received[2]!.timeseries) {
      const names = series.labels.map((l) => l.name);
      expect(names[0]).toBe('__name__');
      expect(names).toEqual([...names].sort());
      expect(series.samples).toEqual([{ value: expect.any(Number), timestamp: T0 + 3000 }]);
    }
    const quantiles = received[2]!.timeseries.filter((s) => s.labels[0]!.value === 'squall_step_duration_ms').map((s) => s.labels.find((l) => l.name === 'quantile')?.value);
    expect(quantiles).toEqual(['0.5', '0.9', '0.95', '0.99']);
    expect(sample(received[2]!, 'squall_step_duration_ms_count')).toBe(6);
    expect(sample(received[2]!, 'squall_step_duration_ms_sum')).toBe(900);
  });

  it('sends again what a 5xx or 429 refused, and does not send again what a 4xx refused', async () => {
    const { url, received } = await target([503, 429, 400, 204]);
    const output = prometheusRemoteWrite(url, OPTIONS);
    run(output, 2);
    const summary = await output.stop!({ deadlineMs: 5000 });
    // window 0: 503, 429, then 400 (dropped); window 1: 204.
    expect(received.map((r) => sample(r, 'squall_step_attempts_total'))).toEqual([2, 2, 2, 4]);
    expect(summary).toEqual({ line: `prometheus-rw ${url}: 1 of 2 windows not delivered (HTTP 400: out of order sample)`, undelivered: 1 });
  });

  it('counts what a target that is down never got, and says why', async () => {
    const { url } = await target([204]);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const output = prometheusRemoteWrite(url, OPTIONS);
    run(output, 4);
    const summary = await output.stop!({ deadlineMs: 300 });
    expect(summary?.undelivered).toBe(4);
    expect(summary?.line).toMatch(new RegExp(`^prometheus-rw ${url.replace(/[.]/g, '\\.')}: 4 of 4 windows not delivered \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\)$`));
  });

  it('sends credentials in the URL as basic auth and never shows them', async () => {
    const { url, received } = await target([204]);
    const withCredentials = url.replace('http://', 'http://me:s%3Acret@');
    const output = prometheusRemoteWrite(withCredentials, OPTIONS);
    expect(output.name).toBe(`prometheus-rw ${url.replace('http://', 'http://***@')}`);
    run(output, 1);
    await output.stop!({ deadlineMs: 2000 });
    expect(received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('me:s:cret').toString('base64')}`);
  });

  it('says in its summary how many label values went into "other"', async () => {
    const { url } = await target([204]);
    const output = prometheusRemoteWrite(url, { ...OPTIONS, maxLabelValues: 0 });
    run(output, 1);
    expect(await output.stop!({ deadlineMs: 2000 })).toEqual({
      line: `prometheus-rw ${url}: label values past the cap (0 per label) exported as "other": 1 step, 1 agent`,
      undelivered: 0,
    });
  });
});
