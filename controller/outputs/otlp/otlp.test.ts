// The OTLP exporter over real HTTP on loopback, judged by a receiver that
// decodes with the official OpenTelemetry protos: what arrives is exactly
// what the batches said, in order, through an outage; a target that never
// comes back costs a counted summary line at the deadline and leaves nothing
// running. Batches are hand-made (WindowMetrics has tests of its own).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mergeAgentWindows } from '../../../src/metrics/merge.js';
import type { Plan } from '../../../src/protocol/plan.js';
import { windowOf } from '../../../test/harness/fake-agent.js';
import type { CompletedWindow, LiveOutput, LiveRunInfo } from '../../live/output.js';
import { startOtlpReceiver, type DecodedMetric, type ExportRequest, type KeyValue, type OtlpReceiver } from '../../../test/harness/otlp-receiver.js';
import { DeliveryError } from '../delivery.js';
import type { MetricBatch, MetricPoint } from '../metric-points.js';
import { DEFAULT_EXPORTER_OPTIONS } from '../options.js';
import { OtlpSender, otlpMetrics, type BatchSource } from './output.js';
import { toResourceMetrics } from './resource-metrics.js';

// Chosen so that epoch nanoseconds are exact as doubles: the receiver gives longs as numbers.
const T0 = 1_700_000_000_500;
const WINDOW_MS = 5000;
const RUN = { runId: 'r-42', scenario: 'shop', t0: T0, windowMs: WINDOW_MS, agents: [] } as unknown as LiveRunInfo;
const LABELS = { run_id: 'r-42', scenario: 'shop' };

/** Window n's batch: step attempts n and 2n for two steps, a VU gauge, a latency summary. */
function batch(n: number): MetricBatch {
  const points: MetricPoint[] = [
    { kind: 'counter', name: 'step_attempts', help: 'Attempts of a step', unit: '1', labels: { ...LABELS, step: 'home' }, value: n },
    { kind: 'counter', name: 'step_attempts', help: 'Attempts of a step', unit: '1', labels: { ...LABELS, step: 'cart' }, value: 2 * n },
    { kind: 'gauge', name: 'vus', help: 'VUs running', unit: '1', labels: LABELS, value: 10 + n },
    {
      kind: 'summary',
      name: 'step_duration_ms',
      help: 'Response time',
      unit: 'ms',
      labels: { ...LABELS, step: 'home' },
      count: 4 * n,
      sum: 1234.5 * n,
      quantiles: [
        { quantile: 0.5, value: 120.25 },
        { quantile: 0.95, value: 480 + n },
      ],
    },
  ];
  return { startMs: T0, timestampMs: T0 + n * WINDOW_MS, points };
}

/** Hands out batch(1), batch(2), … one per complete window. */
function handMade(): BatchSource {
  let n = 0;
  return { window: () => batch(++n), late: () => undefined, hasUnsentLate: false, flush: () => batch(n) };
}

// The source above ignores the window it is given.
const ANY_WINDOW = {} as CompletedWindow;

const ns = (ms: number) => ms * 1e6;
const attributesOf = (list: KeyValue[]) => Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.doubleValue ?? value.intValue ?? value.boolValue]));
const metricsOf = (request: ExportRequest): DecodedMetric[] => request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
const metricNamed = (request: ExportRequest, name: string) => metricsOf(request).find((m) => m.name === name)!;
const homeAttempts = (request: ExportRequest) =>
  metricNamed(request, 'squall.step_attempts').sum!.dataPoints.find((p) => attributesOf(p.attributes).step === 'home')!.asDouble;

/** Timers and sockets alive in this thread: an exporter that stopped leaves none of its own. */
const openHandles = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind.startsWith('TCP')).length;

async function settled(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await receiver?.close();
  receiver = undefined;
});

async function outputTo(options: Partial<typeof DEFAULT_EXPORTER_OPTIONS> = {}): Promise<{ receiver: OtlpReceiver; output: LiveOutput }> {
  receiver = await startOtlpReceiver();
  const output = otlpMetrics(receiver.url, { ...DEFAULT_EXPORTER_OPTIONS, ...options }, handMade);
  output.start!(RUN);
  return { receiver, output };
}

describe('otlpMetrics', () => {
  it('names its target without the credentials a URL may carry', () => {
    expect(otlpMetrics('https://user:t0ken@collector.example/v1/metrics', DEFAULT_EXPORTER_OPTIONS).name).toBe('otlp https://***@collector.example/v1/metrics');
    expect(otlpMetrics('http://127.0.0.1:4318/v1/metrics', DEFAULT_EXPORTER_OPTIONS).name).toBe('otlp http://127.0.0.1:4318/v1/metrics');
  });

  it('sends each batch as the official protos decode it: names, units, attributes, temporality, timestamps and values', async () => {
    const { receiver, output } = await outputTo();
    output.windowComplete(ANY_WINDOW);
    output.windowComplete(ANY_WINDOW);
    expect(await output.stop!({ deadlineMs: 5000 })).toBeUndefined();

    expect(receiver.requests).toHaveLength(2);
    const [first, second] = receiver.requests as [ExportRequest, ExportRequest];
    expect(first.resourceMetrics).toHaveLength(1);
    expect(attributesOf(first.resourceMetrics[0]!.resource!.attributes)).toEqual({ 'service.name': 'squall', 'squall.run_id': 'r-42', 'squall.scenario': 'shop' });
    expect(first.resourceMetrics[0]!.scopeMetrics.map((s) => s.scope?.name)).toEqual(['squall']);
    expect(metricsOf(first).map((m) => m.name)).toEqual(['squall.step_attempts', 'squall.vus', 'squall.step_duration_ms.count', 'squall.step_duration_ms.sum', 'squall.step_duration_ms']);

    const cumulative = (attributes: Record<string, string>, value: number) => ({ attributes, startTimeUnixNano: ns(T0), timeUnixNano: ns(T0 + WINDOW_MS), asDouble: value, exemplars: [] });
    const instant = (attributes: Record<string, string>, value: number) => ({ attributes, startTimeUnixNano: ns(T0 + WINDOW_MS), timeUnixNano: ns(T0 + WINDOW_MS), asDouble: value, exemplars: [] });
    const readable = (metric: DecodedMetric) => ({
      name: metric.name,
      description: metric.description,
      unit: metric.unit,
      ...(metric.sum ? { temporality: metric.sum.aggregationTemporality, monotonic: metric.sum.isMonotonic } : {}),
      kind: metric.sum ? 'sum' : metric.gauge ? 'gauge' : 'other',
      points: (metric.sum ?? metric.gauge)!.dataPoints.map((p) => ({ ...p, attributes: attributesOf(p.attributes) })),
    });
    const sum = { kind: 'sum', temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE', monotonic: true };
    expect(metricsOf(first).map(readable)).toEqual([
      { name: 'squall.step_attempts', description: 'Attempts of a step', unit: '1', ...sum, points: [cumulative({ ...LABELS, step: 'home' }, 1), cumulative({ ...LABELS, step: 'cart' }, 2)] },
      { name: 'squall.vus', description: 'VUs running', unit: '1', kind: 'gauge', points: [instant(LABELS, 11)] },
      { name: 'squall.step_duration_ms.count', description: 'Response time (count)', unit: '1', ...sum, points: [cumulative({ ...LABELS, step: 'home' }, 4)] },
      { name: 'squall.step_duration_ms.sum', description: 'Response time (sum)', unit: 'ms', ...sum, points: [cumulative({ ...LABELS, step: 'home' }, 1234.5)] },
      {
        name: 'squall.step_duration_ms',
        description: 'Response time',
        unit: 'ms',
        kind: 'gauge',
        points: [instant({ ...LABELS, step: 'home', quantile: '0.5' }, 120.25), instant({ ...LABELS, step: 'home', quantile: '0.95' }, 481)],
      },
    ]);
    // The second window: counters still count from t0, every point is stamped with its own window's end.
    const secondAttempts = metricNamed(second, 'squall.step_attempts').sum!.dataPoints;
    expect(secondAttempts.map((p) => [p.asDouble, p.startTimeUnixNano, p.timeUnixNano])).toEqual([
      [2, ns(T0), ns(T0 + 2 * WINDOW_MS)],
      [4, ns(T0), ns(T0 + 2 * WINDOW_MS)],
    ]);
  });

  it('holds the windows of a target that is down and delivers them in order once it is back', async () => {
    const { receiver, output } = await outputTo();
    await receiver.down();
    for (let n = 1; n <= 3; n += 1) output.windowComplete(ANY_WINDOW);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toEqual([]);
    await receiver.up();
    output.windowComplete(ANY_WINDOW);
    expect(await output.stop!({ deadlineMs: 10_000 })).toBeUndefined();
    expect(receiver.requests.map(homeAttempts)).toEqual([1, 2, 3, 4]);
  });

  it('counts what a target that never answers did not get, at the deadline, leaving no timer or socket behind', async () => {
    const before = openHandles();
    const { receiver, output } = await outputTo();
    receiver.hang();
    for (let n = 1; n <= 3; n += 1) output.windowComplete(ANY_WINDOW);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.attempts).toBe(1);

    const started = Date.now();
    const summary = await output.stop!({ deadlineMs: 500 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(summary).toEqual({ line: `otlp ${receiver.url}: 3 of 3 windows not delivered (no answer before the deadline)`, undelivered: 3 });
    // The request under way was cut by the exporter, not left to its 10 s timeout.
    await settled();
    expect(await receiver.connections()).toBe(0);
    await receiver.close();
    await settled();
    expect(openHandles()).toBeLessThanOrEqual(before);
  });

  it('names the last error of a refused connection, and the OpenTelemetry packages print nothing', async () => {
    const printed = [vi.spyOn(process.stderr, 'write'), vi.spyOn(process.stdout, 'write'), ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level))];
    const before = openHandles();
    const { receiver, output } = await outputTo();
    await receiver.down();
    output.windowComplete(ANY_WINDOW);
    output.windowComplete(ANY_WINDOW);
    const summary = await output.stop!({ deadlineMs: 300 });
    expect(summary?.undelivered).toBe(2);
    expect(summary?.line).toMatch(/^otlp http:\/\/127\.0\.0\.1:\d+\/v1\/metrics: 2 of 2 windows not delivered \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    await settled();
    expect(openHandles()).toBeLessThanOrEqual(before);
  });
});

describe('otlpMetrics with the run\'s own windows', () => {
  it('exports what WindowMetrics makes of complete windows, and what a late agent added once more at the end', async () => {
    receiver = await startOtlpReceiver();
    const output = otlpMetrics(receiver.url, DEFAULT_EXPORTER_OPTIONS);
    const plan = { startVus: 0, stages: [{ durationMs: 10_000, target: 2 }], gracefulStopMs: 0 } as Plan;
    output.start!({ runId: 'r-7', scenario: 'shop', plan, windowMs: WINDOW_MS, t0: T0, agents: [{ id: 'a', host: 'host-a' }, { id: 'b', host: 'host-b' }] });
    const complete = (index: number, durations: number[]): CompletedWindow => {
      const body = windowOf(T0 + index * WINDOW_MS, WINDOW_MS, durations);
      return { merged: mergeAgentWindows([body]), byAgent: [{ agentId: 'a', body }], missing: ['host-b'] };
    };
    output.windowComplete(complete(0, [100, 200, -1]));
    output.windowComplete(complete(1, [150]));
    const lateBody = windowOf(T0 + WINDOW_MS, WINDOW_MS, [300, 400]);
    output.windowLate!({ agentId: 'b', body: lateBody, merged: mergeAgentWindows([lateBody]) });
    expect(await output.stop!({ deadlineMs: 5000 })).toBeUndefined();

    expect(receiver.requests.map(homeAttempts)).toEqual([3, 4, 6]);
    const [first] = receiver.requests as [ExportRequest];
    expect(attributesOf(first.resourceMetrics[0]!.resource!.attributes)).toEqual({ 'service.name': 'squall', 'squall.run_id': 'r-7', 'squall.scenario': 'shop' });
    const cpu = metricNamed(first, 'squall.agent_cpu_percent');
    expect(cpu.unit).toBe('%');
    expect(cpu.gauge!.dataPoints.map((p) => attributesOf(p.attributes).host)).toEqual(['host-a']);
  });
});

describe('OtlpSender', () => {
  it('makes one request per export, its own retries left to the delivery queue, and tells a refusal from a failure', async () => {
    receiver = await startOtlpReceiver();
    const sender = new OtlpSender(receiver.url, 5000);
    expect(sender.retriesOwnedByQueue).toBe(true);
    const metrics = toResourceMetrics(batch(1), RUN);

    receiver.failWith(503);
    const unavailable = await sender.send(metrics).catch((error: unknown) => error);
    expect(receiver.attempts).toBe(1);
    expect(unavailable).toMatchObject({ message: 'HTTP 429, 502, 503 or 504: the target is busy or unavailable' });
    expect(unavailable instanceof DeliveryError && !unavailable.retry).toBe(false);

    receiver.failWith(400);
    const refused = await sender.send(metrics).catch((error: unknown) => error);
    expect(receiver.attempts).toBe(2);
    expect(refused).toBeInstanceOf(DeliveryError);
    expect(refused).toMatchObject({ message: 'HTTP 400 Bad Request', retry: false });

    receiver.failWith(undefined);
    await sender.send(metrics);
    expect(receiver.requests).toHaveLength(1);
    await sender.close(1000);
  });
});
