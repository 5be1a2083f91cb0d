// A metric batch as a Prometheus remote-write 1.0 request body: a
// WriteRequest in protobuf, snappy block-compressed. The messages are
// declared here with protobufjs' reflection API (the four of
// prometheus/prompb/types.proto remote-write 1.0 uses) rather than code
// generated from the .proto: no build step, and these fields have not
// changed since 1.0.
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import type { MetricBatch, MetricPoint } from '../metric-points.js';

const { Enum, Field, Root, Type } = protobuf;

/** prompb MetricMetadata.MetricType */
const METRIC_TYPES = { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3, GAUGEHISTOGRAM: 4, SUMMARY: 5, INFO: 6, STATESET: 7 } as const;

const root = new Root().define('prometheus');
root.add(new Type('Label').add(new Field('name', 1, 'string')).add(new Field('value', 2, 'string')));
root.add(new Type('Sample').add(new Field('value', 1, 'double')).add(new Field('timestamp', 2, 'int64')));
root.add(new Type('TimeSeries').add(new Field('labels', 1, 'Label', 'repeated')).add(new Field('samples', 2, 'Sample', 'repeated')));
root.add(
  new Type('MetricMetadata')
    .add(new Enum('MetricType', { ...METRIC_TYPES }))
    .add(new Field('type', 1, 'MetricType'))
    .add(new Field('metricFamilyName', 2, 'string'))
    .add(new Field('help', 4, 'string'))
    .add(new Field('unit', 5, 'string')),
);
// Field 2 is reserved in prompb: the metadata is 3.
root.add(new Type('WriteRequest').add(new Field('timeseries', 1, 'TimeSeries', 'repeated')).add(new Field('metadata', 3, 'MetricMetadata', 'repeated')));

/** The WriteRequest message type, for tests that decode what was sent. */
export const WriteRequest = root.lookupType('prometheus.WriteRequest');

export const PREFIX = 'squall_';

export interface Label {
  name: string;
  value: string;
}

export interface TimeSeries {
  labels: Label[];
  samples: Array<{ value: number; timestamp: number }>;
}

interface Metadata {
  type: number;
  metricFamilyName: string;
  help: string;
  unit: string;
}

/** Prometheus' unit words for ours: the metadata's unit is free text, these are what its own exporters use. */
const UNITS: Readonly<Record<string, string>> = { ms: 'milliseconds', By: 'bytes', MBy: 'megabytes', '%': 'percent', '1': '' };

/** The batch's time series and their families' metadata, before protobuf. */
export function toTimeSeries(batch: MetricBatch): { timeseries: TimeSeries[]; metadata: Metadata[] } {
  const timeseries: TimeSeries[] = [];
  const families = new Map<string, Metadata>();
  const add = (name: string, labels: MetricPoint['labels'], value: number) => {
    timeseries.push({ labels: sortedLabels(name, labels), samples: [{ value, timestamp: batch.timestampMs }] });
  };
  for (const point of batch.points) {
    const family = PREFIX + point.name + (point.kind === 'counter' ? '_total' : '');
    noteFamily(families, family, point);
    if (point.kind !== 'summary') {
      add(family, point.labels, point.value);
      continue;
    }
    for (const { quantile, value } of point.quantiles) add(family, { ...point.labels, quantile: String(quantile) }, value);
    add(`${family}_sum`, point.labels, point.sum);
    add(`${family}_count`, point.labels, point.count);
  }
  return { timeseries, metadata: [...families.values()] };
}

/** The request body: the WriteRequest, snappy block-compressed (not framed: remote-write's Content-Encoding: snappy). */
export function encodeWriteRequest(batch: MetricBatch): Uint8Array<ArrayBuffer> {
  const message = WriteRequest.fromObject(toTimeSeries(batch));
  // A copy of its own: protobufjs writes small messages into Node's shared Buffer pool.
  return snappy.compress(new Uint8Array(WriteRequest.encode(message).finish()));
}

/** Prometheus wants a series' labels sorted by name; "__name__" sorts first of our lower-case names. */
function sortedLabels(name: string, labels: MetricPoint['labels']): Label[] {
  return [{ name: '__name__', value: name }, ...Object.entries(labels).map(([key, value]) => ({ name: key, value: wellFormed(value) }))].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** A lone surrogate (a step name cut mid-character) is not UTF-8: Prometheus would refuse the whole window for it. */
function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One metadata entry per family; a unit only when every point of it agrees (web_vital's CLS has none). */
function noteFamily(families: Map<string, Metadata>, family: string, point: MetricPoint): void {
  const unit = UNITS[point.unit] ?? point.unit;
  const known = families.get(family);
  if (known) {
    if (known.unit !== unit) known.unit = '';
    return;
  }
  const type = point.kind === 'counter' ? METRIC_TYPES.COUNTER : point.kind === 'gauge' ? METRIC_TYPES.GAUGE : METRIC_TYPES.SUMMARY;
  families.set(family, { type, metricFamilyName: family, help: point.help, unit });
}
