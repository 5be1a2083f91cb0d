// Thresholds on what the pages measured: requests by URL label and Web Vitals.
//   'requests': ['status5xx < 1%', 'ttfb:p95 < 300']        every request of the run
//   'requests:/api/order': ['ttfb:p95 < 300', 'count > 100']  a label, a group, or a path (any origin)
//   'vitals:LCP': ['p75 < 2500']   'vitals:CLS:home': ['p75 < 0.1']
import { errorCount, RequestAccumulator, REQUEST_PHASES, PageViewAccumulator, type RequestPhase } from '../../src/metrics/request-stats.js';
import { VITALS, type Vital } from '../../src/metrics/vitals.js';
import { normalisedUrl, pathOf } from '../../src/metrics/url-label.js';
import type { ThresholdSpec } from '../../src/protocol/store.js';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type Unit = 'ms' | 'count' | 'percent' | 'rate' | 'score';

export type BrowserScope = { kind: 'requests'; label?: string } | { kind: 'vitals'; vital: Vital; step?: string };

export interface BrowserObservations {
  requests?: ReadonlyMap<string, RequestAccumulator>;
  pageViews?: ReadonlyMap<string, PageViewAccumulator>;
  durationMs: number;
}

const STATUS_METRICS = { status2xx: '2xx', status3xx: '3xx', status4xx: '4xx', status5xx: '5xx', failed: 'failed' } as const;
export const REQUEST_METRICS = ['count', 'rate', 'bytes', 'cached', 'errors', ...Object.keys(STATUS_METRICS)];
export const VITAL_METRICS = ['count', 'mean', 'max', 'min'];

/** 'requests', 'requests:<label>', 'vitals:<vital>' or 'vitals:<vital>:<step>'; undefined for other targets; a string says what is wrong. */
export function browserScope(target: string): BrowserScope | string | undefined {
  if (target === 'requests') return { kind: 'requests' };
  if (target.startsWith('requests:')) {
    const label = target.slice('requests:'.length).trim();
    return label ? { kind: 'requests', label } : 'expected "requests:<label>", e.g. "requests:/api/cart"';
  }
  if (target === 'vitals' || target.startsWith('vitals:')) {
    const [, vital, ...step] = target.split(':');
    if (!VITALS.includes(vital as Vital)) return `expected "vitals:<vital>" with one of ${VITALS.join(', ')}, e.g. "vitals:LCP"`;
    const stepName = step.join(':').trim();
    return { kind: 'vitals', vital: vital as Vital, ...(stepName ? { step: stepName } : {}) };
  }
  return undefined;
}

/** Which metrics a scope takes, for the error message. */
export function browserMetricHelp(scope: BrowserScope): string {
  if (scope.kind === 'vitals') return `pNN (p75 is Google's), ${VITAL_METRICS.join(', ')}`;
  return `pNN, mean, min, max (of total, or a phase: ${REQUEST_PHASES.map((p) => `${p}:p95`).join(', ')}), ${REQUEST_METRICS.join(', ')}`;
}

export function isBrowserMetric(scope: BrowserScope, metric: string, phase: string | undefined): boolean {
  const timing = /^p\d{1,2}(\.\d+)?$/.test(metric) || ['mean', 'min', 'max'].includes(metric);
  if (scope.kind === 'vitals') return phase === undefined && (timing || metric === 'count');
  if (phase !== undefined) return REQUEST_PHASES.includes(phase as RequestPhase) && timing;
  return timing || REQUEST_METRICS.includes(metric);
}

/** The unit a browser metric is in: CLS is a score, shares may be percentages. */
export function browserUnit(scope: BrowserScope, metric: string, suffix: string | undefined): Unit | string {
  const timing = /^p\d/.test(metric) || ['mean', 'min', 'max'].includes(metric);
  if (timing) {
    if (scope.kind === 'vitals' && scope.vital === 'CLS') return suffix ? `CLS is a score: no unit, not ${suffix}` : 'score';
    return suffix && suffix !== 'ms' && suffix !== 's' ? `"${metric}" is a time: write ms or s, not ${suffix}` : 'ms';
  }
  if (metric === 'rate') return suffix && suffix !== '/s' ? `"rate" is per second: write /s or nothing, not ${suffix}` : 'rate';
  if (suffix === '%') return metric === 'count' || metric === 'bytes' ? `"${metric}" is a count: no unit` : 'percent';
  return suffix ? `"${metric}" is a count: no unit (or % for a share)` : 'count';
}

/** Every label the target names: itself, or any label with that path when it is a path. */
function requestsOf(label: string | undefined, requests: ReadonlyMap<string, RequestAccumulator>): RequestAccumulator | undefined {
  const merged = new RequestAccumulator();
  let found = false;
  for (const [key, acc] of requests) {
    const path = normalisedUrl(key) === key ? pathOf(key) : undefined;
    if (label === undefined || key === label || (label.startsWith('/') && path === label)) {
      merged.addWire(acc.toWire());
      found = true;
    }
  }
  return found ? merged : undefined;
}

export interface BrowserThreshold {
  scope: BrowserScope;
  metric: string;
  phase?: RequestPhase;
  unit: Unit;
}

/** The measured value, or why there is none. */
export function measureBrowser(t: BrowserThreshold, obs: BrowserObservations, round: (v: number) => number, percent: (part: number, whole: number) => number): number | string {
  const seconds = Math.max(obs.durationMs / 1000, 0.001);
  const timing = (dist: { count: number; quantile(q: number): number; mean: number; min: number; max: number }, fine: boolean) => {
    if (dist.count === 0) return undefined;
    const r = fine ? (v: number) => Math.round(v * 10_000) / 10_000 : round;
    if (t.metric === 'mean') return r(dist.mean);
    if (t.metric === 'min') return r(dist.min);
    if (t.metric === 'max') return r(dist.max);
    return r(dist.quantile(Number(t.metric.slice(1)) / 100));
  };
  if (t.scope.kind === 'vitals') {
    const { vital, step } = t.scope;
    const views = new PageViewAccumulator();
    for (const [name, acc] of obs.pageViews ?? []) if (step === undefined || name === step) views.addWire(acc.toWire());
    const dist = views.vitals.get(vital);
    if (t.metric === 'count') return dist.count;
    return timing(dist, vital === 'CLS') ?? (step ? `no page view that began in step "${step}" reported ${vital}` : `no page view reported ${vital}`);
  }
  const label = t.scope.label;
  const acc = requestsOf(label, obs.requests ?? new Map());
  if (!acc || acc.count === 0) return label ? `no request matched "${label}"` : 'no request was timed';
  if (t.metric === 'count') return acc.count;
  if (t.metric === 'bytes') return acc.bytes;
  if (t.metric === 'rate') return round(acc.count / seconds);
  const share = (n: number) => (t.unit === 'percent' ? percent(n, acc.count) : n);
  if (t.metric === 'cached') return share(acc.cached);
  if (t.metric === 'errors') return share(errorCount(Object.fromEntries(acc.statuses)));
  if (t.metric in STATUS_METRICS) return share(acc.status(STATUS_METRICS[t.metric as keyof typeof STATUS_METRICS]));
  const phase = t.phase ?? 'total';
  return timing(acc.phases.get(phase), false) ?? `no request had a ${phase} phase`;
}

/** A --threshold flag whose expression starts with a request phase: "requests:/api/order:ttfb:p95<300". */
export function splitPhaseFlag(flag: string): ThresholdSpec | undefined {
  const match = new RegExp(`^(requests(?::.*)?):((?:${REQUEST_PHASES.join('|')}):[^:]*)$`).exec(flag);
  return match ? { target: match[1]!.trim(), expression: match[2]!.trim(), source: 'cli' } : undefined;
}
