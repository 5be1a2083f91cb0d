// Metric points as remote-write time series: names, the summary's three
// kinds of series, sorted labels, metadata per family, and a body that
// decodes back through snappy and protobuf.
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import type { MetricBatch } from '../metric-points.js';
import { encodeWriteRequest, toTimeSeries, WriteRequest } from './encode.js';

const BATCH: MetricBatch = {
  timestampMs: 1_700_000_001_000,
  startMs: 1_700_000_000_000,
  points: [
    { kind: 'counter', name: 'requests', help: 'Requests', unit: '1', labels: { run_id: 'r', status_class: '2xx', label: '/a' }, value: 7 },
    { kind: 'gauge', name: 'vus', help: 'VUs', unit: '1', labels: { run_id: 'r' }, value: 3 },
    { kind: 'summary', name: 'web_vital', help: 'Vitals', unit: 'ms', labels: { run_id: 'r', vital: 'LCP' }, count: 2, sum: 300, quantiles: [{ quantile: 0.75, value: 180 }] },
    { kind: 'summary', name: 'web_vital', help: 'Vitals', unit: '1', labels: { run_id: 'r', vital: 'CLS' }, count: 2, sum: 0.1, quantiles: [] },
  ],
};

const nameOf = (labels: Array<{ name: string; value: string }>) => labels.find((l) => l.name === '__name__')!.value;

describe('remote-write encoding', () => {
  it('names counters _total, gives a summary its quantiles, _sum and _count, and sorts every series\' labels', () => {
    const { timeseries } = toTimeSeries(BATCH);
    expect(timeseries.map((s) => s.labels.map((l) => `${l.name}=${l.value}`).join(','))).toEqual([
      '__name__=squall_requests_total,label=/a,run_id=r,status_class=2xx',
      '__name__=squall_vus,run_id=r',
      '__name__=squall_web_vital,quantile=0.75,run_id=r,vital=LCP',
      '__name__=squall_web_vital_sum,run_id=r,vital=LCP',
      '__name__=squall_web_vital_count,run_id=r,vital=LCP',
      '__name__=squall_web_vital_sum,run_id=r,vital=CLS',
      '__name__=squall_web_vital_count,run_id=r,vital=CLS',
    ]);
    expect(timeseries.every((s) => s.samples.length === 1 && s.samples[0]!.timestamp === BATCH.timestampMs)).toBe(true);
    expect(timeseries.map((s) => s.samples[0]!.value)).toEqual([7, 3, 180, 300, 2, 0.1, 2]);
  });

  it('gives each family one metadata entry, with a unit only when all its points agree', () => {
    expect(toTimeSeries(BATCH).metadata).toEqual([
      { type: 1, metricFamilyName: 'squall_requests_total', help: 'Requests', unit: '' },
      { type: 2, metricFamilyName: 'squall_vus', help: 'VUs', unit: '' },
      { type: 5, metricFamilyName: 'squall_web_vital', help: 'Vitals', unit: '' },
    ]);
  });

  it('replaces a lone surrogate, which is not UTF-8, in a label value', () => {
    const { timeseries } = toTimeSeries({ ...BATCH, points: [{ kind: 'gauge', name: 'g', help: '', unit: 'ms', labels: { step: 'caf\uD83D', ok: '\u{1F600}' }, value: 1 }] });
    expect(timeseries[0]!.labels).toEqual([
      { name: '__name__', value: 'squall_g' },
      { name: 'ok', value: '\u{1F600}' },
      { name: 'step', value: 'caf\uFFFD' },
    ]);
  });

  it('encodes a snappy-compressed WriteRequest that decodes to the same series, int64 timestamps whole', () => {
    const body = encodeWriteRequest(BATCH);
    const decoded = WriteRequest.toObject(WriteRequest.decode(snappy.uncompress(body)), { longs: Number });
    expect(decoded).toEqual(toTimeSeries(BATCH));
  });
});
