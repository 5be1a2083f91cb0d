// Two runs side by side: per-step deltas of latency, throughput and error
// rate, and which of them are regressions beyond the tolerances.
import type { Report, ReportStep } from '../../src/protocol/report.js';
import { counted, formatMs } from '../format.js';
import { alignedTable, PLAIN, type Paint } from './summary.js';

export interface Tolerances {
  /** latency may grow, and throughput shrink, by this many percent */
  relativePct: number;
  /** the error rate may grow by this many percentage points */
  errorPoints: number;
}

export interface MetricDelta {
  metric: 'p50' | 'p95' | 'p99' | 'throughput' | 'error rate';
  a: number;
  b: number;
  /** percent for latency and throughput, percentage points for the error rate */
  change: number;
  regression: boolean;
}

export interface StepComparison {
  step: string;
  /** the step ran in only one of the runs */
  only?: 'a' | 'b';
  deltas: MetricDelta[];
}

export function errorRate(step: ReportStep): number {
  return step.count > 0 ? (100 * step.failed) / step.count : 0;
}

function relative(a: number, b: number): number {
  return a === 0 ? (b === 0 ? 0 : Number.POSITIVE_INFINITY) : (100 * (b - a)) / a;
}

export function compareReports(a: Report, b: Report, tolerances: Tolerances): StepComparison[] {
  const names = [...new Set([...a.steps.map((s) => s.name), ...b.steps.map((s) => s.name)])];
  return names.map((name) => {
    const sa = a.steps.find((s) => s.name === name);
    const sb = b.steps.find((s) => s.name === name);
    if (!sa || !sb) return { step: name, only: sa ? 'a' : 'b', deltas: [] };
    const latency = (['p50', 'p95', 'p99'] as const).map((metric): MetricDelta => {
      const change = relative(sa[metric], sb[metric]);
      return { metric, a: sa[metric], b: sb[metric], change, regression: change > tolerances.relativePct };
    });
    const throughputChange = relative(sa.throughput, sb.throughput);
    const errorChange = errorRate(sb) - errorRate(sa);
    return {
      step: name,
      deltas: [
        ...latency,
        { metric: 'throughput', a: sa.throughput, b: sb.throughput, change: throughputChange, regression: -throughputChange > tolerances.relativePct },
        { metric: 'error rate', a: errorRate(sa), b: errorRate(sb), change: errorChange, regression: errorChange > tolerances.errorPoints },
      ],
    };
  });
}

function signed(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'new';
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}${unit}`;
}

function shown(delta: MetricDelta, value: number): string {
  if (delta.metric === 'throughput') return `${value.toFixed(2)}/s`;
  if (delta.metric === 'error rate') return `${value.toFixed(1)}%`;
  return formatMs(value);
}

export function compareText(a: Report, b: Report, comparisons: readonly StepComparison[], tolerances: Tolerances, paint: Paint = PLAIN): string {
  const rows = [['step', 'metric', `A ${a.run.id}`, `B ${b.run.id}`, 'change', ''].map(paint.bold)];
  for (const c of comparisons) {
    if (c.only) {
      rows.push([c.step, '-', c.only === 'a' ? 'ran' : '-', c.only === 'b' ? 'ran' : '-', `only in ${c.only.toUpperCase()}`, '']);
      continue;
    }
    c.deltas.forEach((d) => {
      const change = signed(d.change, d.metric === 'error rate' ? ' pts' : '%');
      rows.push([c.step, d.metric, shown(d, d.a), shown(d, d.b), d.regression ? paint.red(change) : change, d.regression ? paint.red('REGRESSION') : '']);
    });
  }
  const regressions = comparisons.flatMap((c) => c.deltas.filter((d) => d.regression).map((d) => `${c.step} ${d.metric}`));
  const verdict =
    regressions.length === 0
      ? paint.green(`no regression beyond ${tolerances.relativePct}% (error rate: ${tolerances.errorPoints} pts)`)
      : paint.red(`${counted(regressions.length, 'regression')}: ${regressions.join(', ')}`);
  return [...alignedTable(rows, (col) => col >= 2 && col <= 4), '', verdict].join('\n') + '\n';
}
