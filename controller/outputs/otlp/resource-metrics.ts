// A window's MetricBatch as the OpenTelemetry SDK's ResourceMetrics, the form
// the official OTLP exporter serializes. The run is the resource
// (service.name squall, its run id and scenario); every metric is named
// `squall.` + its base name. Counters are cumulative sums from the load's
// start (t0), so a dropped window loses resolution, never totals.
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricBatch, MetricPoint } from '../metric-points.js';

export interface OtlpRunIdentity {
  runId: string;
  scenario: string;
}

const PREFIX = 'squall.';

/** Epoch milliseconds as the SDK's [seconds, nanoseconds]. */
export function hrTimeOfMs(ms: number): HrTime {
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}

export function toResourceMetrics(batch: MetricBatch, run: OtlpRunIdentity): ResourceMetrics {
  const metrics = new MetricsByName(hrTimeOfMs(batch.startMs), hrTimeOfMs(batch.timestampMs));
  for (const point of batch.points) metrics.add(point);
  return {
    resource: resourceFromAttributes({ 'service.name': 'squall', 'squall.run_id': run.runId, 'squall.scenario': run.scenario }),
    scopeMetrics: [{ scope: { name: 'squall' }, metrics: metrics.all() }],
  };
}

/** Data points estimated at 200 bytes each: the payload's weight in the delivery queue's memory budget, without serializing it twice. */
export function estimatedBytes(metrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
  return 1024 + points * 200;
}

type Sum = Extract<MetricData, { dataPointType: DataPointType.SUM }>;
type Gauge = Extract<MetricData, { dataPointType: DataPointType.GAUGE }>;

/** One MetricData per name, its points (one per label set) gathered under it, in the order names first appear. */
class MetricsByName {
  private readonly byName = new Map<string, Sum | Gauge>();

  constructor(
    private readonly startTime: HrTime,
    private readonly endTime: HrTime,
  ) {}

  add(point: MetricPoint): void {
    const name = PREFIX + point.name;
    const attributes: Attributes = { ...point.labels };
    switch (point.kind) {
      case 'counter':
        this.sum(name, point.help, point.unit).dataPoints.push(this.cumulative(attributes, point.value));
        return;
      case 'gauge':
        this.gauge(name, point.help, point.unit).dataPoints.push(this.instant(attributes, point.value));
        return;
      case 'summary':
        // OTLP has a Summary type, but the JS SDK's MetricData has none (only
        // SUM, GAUGE, HISTOGRAM, EXPONENTIAL_HISTOGRAM) and so its serializer
        // cannot write one, and a histogram needs buckets the batch does not
        // carry. So a summary goes out as Prometheus would flatten it: its
        // cumulative count and sum as monotonic sums, its quantiles as one
        // gauge with a `quantile` attribute.
        this.sum(`${name}.count`, `${point.help} (count)`, '1').dataPoints.push(this.cumulative(attributes, point.count));
        this.sum(`${name}.sum`, `${point.help} (sum)`, point.unit).dataPoints.push(this.cumulative(attributes, point.sum));
        for (const { quantile, value } of point.quantiles) {
          this.gauge(name, point.help, point.unit).dataPoints.push(this.instant({ ...attributes, quantile: String(quantile) }, value));
        }
        return;
    }
  }

  all(): MetricData[] {
    return [...this.byName.values()];
  }

  private cumulative(attributes: Attributes, value: number) {
    return { startTime: this.startTime, endTime: this.endTime, attributes, value };
  }

  /** A gauge is a value at the window's end: it has no interval, so its start is its end too. */
  private instant(attributes: Attributes, value: number) {
    return { startTime: this.endTime, endTime: this.endTime, attributes, value };
  }

  private sum(name: string, description: string, unit: string): Sum {
    return this.metric(name, () => ({
      descriptor: descriptor(name, description, unit),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [],
    }));
  }

  private gauge(name: string, description: string, unit: string): Gauge {
    return this.metric(name, () => ({
      descriptor: descriptor(name, description, unit),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: [],
    }));
  }

  private metric<T extends Sum | Gauge>(name: string, make: () => T): T {
    const existing = this.byName.get(name);
    if (existing) return existing as T;
    const made = make();
    this.byName.set(name, made);
    return made;
  }
}

// Doubles throughout: counts are whole but sums of milliseconds are not, and a
// double holds every count a run reaches exactly.
function descriptor(name: string, description: string, unit: string) {
  return { name, description, unit, valueType: ValueType.DOUBLE };
}
