// Pure view models of the live dashboard: numbers and strings from a snapshot
// of the run, so the Ink components stay thin and everything here is testable
// without a terminal.
import { bucketWindows } from '../buckets.js';
import { formatDuration } from '../../src/load/duration.js';
import { peakVus, planDurationMs, stageAt, vusAt } from '../../src/load/stages.js';
import { StepTable } from '../../src/metrics/merge.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import { arrivalLoadsOf, flowsOfPlan, isArrivalPlan, isFlowLoadsPlan, type ArrivalPlan, type Plan } from '../../src/protocol/plan.js';
import { rateText } from '../progress.js';
import { targetRateOver } from '../report/arrival.js';
import type { AgentStatus } from '../../src/protocol/store.js';
import { formatMs } from '../format.js';
import { errorCount, PageViewAccumulator, RequestAccumulator } from '../../src/metrics/request-stats.js';
import { VITALS, vitalBand, type VitalBand } from '../../src/metrics/vitals.js';
import { STATUS_CLASSES } from '../../src/protocol/messages.js';
import { terminalSafe } from '../../src/terminal-text.js';
import { browserTotals } from '../report/browser-metrics.js';

export interface AgentSnapshot {
  id: string;
  host: string;
  status: AgentStatus;
  activeVus: number;
  plannedVus: number;
  /** host CPU % of its recent windows, oldest first */
  cpuHistory: number[];
  /** its guard marked its latest window saturated */
  saturated: boolean;
  rssMb?: number;
  hostMemUsedPct?: number;
  lastReportAt?: number;
  /** times its link dropped and came back */
  reconnects?: number;
}

export interface DashboardSnapshot {
  runId: string;
  scenario: string;
  /** VU time zero; undefined while agents are getting ready */
  t0?: number;
  now: number;
  plan: Plan;
  /** merged windows as each was complete, oldest first */
  windows: MergedWindow[];
  agents: AgentSnapshot[];
  /** newest last */
  events: string[];
  stopping: boolean;
}

export interface HeaderView {
  title: string;
  vus: string;
  time: string;
  /** 0..1 */
  progress: number;
  stage: string;
}

export function headerView(s: DashboardSnapshot): HeaderView {
  const total = planDurationMs(s.plan);
  const elapsed = s.t0 === undefined ? 0 : Math.max(0, s.now - s.t0);
  const active = s.agents.reduce((sum, a) => sum + (a.status === 'running' ? a.activeVus : 0), 0);
  // A flow-loads plan's loads each have their own stages: it is only running or finishing.
  const stages = isFlowLoadsPlan(s.plan) ? [{ durationMs: total }] : s.plan.stages;
  const stage = s.t0 === undefined ? -2 : isFlowLoadsPlan(s.plan) ? (elapsed < total ? 0 : -1) : stageAt(s.plan, elapsed);
  const stageText =
    s.stopping ? 'stopping' : stage === -2 ? 'preparing agents' : stage === -1 ? 'finishing' : stages.length > 1 ? `stage ${stage + 1}/${stages.length}` : 'steady';
  return {
    title: `squall ${s.runId}  "${s.scenario}"`,
    vus: vusHeader(s, active, elapsed),
    time: `${formatDuration(Math.min(elapsed, total))} / ${formatDuration(total)}`,
    progress: total > 0 ? Math.min(1, elapsed / total) : 0,
    stage: stageText,
  };
}

function vusHeader(s: DashboardSnapshot, active: number, elapsed: number): string {
  const plan = s.plan;
  if (isArrivalPlan(plan)) return arrivalHeader(s, plan, active);
  if (!isFlowLoadsPlan(plan)) return `VUs ${active}/${s.t0 === undefined ? peakVus(plan) : vusAt(plan, elapsed)}`;
  if (!plan.loads.some(isArrivalPlan)) return `VUs ${active}/${peakVus(plan)}`;
  const kept = s.windows.at(-1)?.vus.allocated ?? active;
  return `VUs ${active} busy/${kept} kept  ${droppedSoFar(s)} dropped`;
}

/** Busy and kept VUs, the last complete window's start rate against the plan's, and the drops so far. */
function arrivalHeader(s: DashboardSnapshot, plan: ArrivalPlan, busy: number): string {
  const last = s.windows.filter((w) => w.windowStart + w.windowMs <= s.now).at(-1);
  const kept = s.windows.at(-1)?.vus.allocated ?? plan.preAllocatedVus;
  const dropped = droppedSoFar(s);
  const rate = last && s.t0 !== undefined ? `${(last.iterations.started / (last.windowMs / 1000)).toFixed(1)}/s of ${targetRateOver(plan, s.t0, last.windowStart, last.windowMs)}/s` : `${rateText(plan.startRate, plan.perMs)} asked`;
  return `VUs ${busy} busy/${kept} kept  starts ${rate}  ${dropped} dropped`;
}

/**
 * A run of named flows, one line: each flow's start rate in the last complete
 * window (against its rate asked, for an arrival-rate flow of its own), its
 * iterations running, the VUs its load keeps, and its drops so far.
 */
export function flowsLine(s: DashboardSnapshot): string | undefined {
  const flows = flowsOfPlan(s.plan);
  if (!flows) return undefined;
  const last = s.windows.filter((w) => w.windowStart + w.windowMs <= s.now).at(-1);
  const newest = s.windows.at(-1);
  const arrivalLoads = new Map(arrivalLoadsOf(s.plan).flatMap((load) => load.flows.map((f) => [f.name, load] as const)));
  const parts = flows.map(({ name }) => {
    const counts = last?.flows?.[name];
    const rate = counts && last ? `${(counts.started / (last.windowMs / 1000)).toFixed(1)}/s` : '-/s';
    const load = arrivalLoads.get(name);
    const asked = load && last && s.t0 !== undefined ? ` of ${targetRateOver(load, s.t0, last.windowStart, last.windowMs)}/s` : '';
    const now = newest?.flows?.[name];
    const kept = now?.allocated !== undefined ? `/${now.allocated} kept` : '';
    const dropped = s.windows.reduce((sum, w) => sum + (w.flows?.[name]?.dropped ?? 0), 0);
    return `${name} ${rate}${asked} ${now?.busy ?? 0} busy${kept}${dropped > 0 ? ` ${dropped} dropped` : ''}`;
  });
  return `flows  ${parts.join('  ·  ')}`;
}

function droppedSoFar(s: DashboardSnapshot): number {
  return s.windows.reduce((sum, w) => sum + (w.iterations.dropped ?? 0), 0);
}

export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(Math.max(0, width - filled));
}

export type StepScope = 'window' | 'run';

export interface StepRow {
  name: string;
  count: string;
  rate: string;
  p50: string;
  p95: string;
  p99: string;
  pass: string;
  errors: string;
  failing: boolean;
}

/** Names in the order steps first ran, so rows never jump around. */
export function stepNames(windows: readonly MergedWindow[]): string[] {
  const names: string[] = [];
  for (const window of windows) for (const name of Object.keys(window.steps)) if (!names.includes(name)) names.push(name);
  return names;
}

/** The last complete window, or the whole run. */
export function stepRows(s: DashboardSnapshot, scope: StepScope): StepRow[] {
  const names = stepNames(s.windows);
  const complete = s.windows.filter((w) => w.windowStart + w.windowMs <= s.now);
  const chosen = scope === 'run' ? s.windows : complete.slice(-1);
  const table = new StepTable();
  for (const window of chosen) table.add(window.steps);
  const seconds =
    scope === 'run'
      ? Math.max(1, (s.t0 === undefined ? 0 : s.now - s.t0) / 1000)
      : (chosen[0]?.windowMs ?? 1000) / 1000;
  return names.map((name) => {
    const acc = table.steps.get(name);
    const count = acc?.count ?? 0;
    const failed = acc?.failed ?? 0;
    const ok = count > failed;
    return {
      name: terminalSafe(name),
      count: String(count),
      rate: (count / seconds).toFixed(1),
      p50: ok ? formatMs(acc!.percentile(0.5)) : '-',
      p95: ok ? formatMs(acc!.percentile(0.95)) : '-',
      p99: ok ? formatMs(acc!.percentile(0.99)) : '-',
      pass: count > 0 ? `${((100 * (count - failed)) / count).toFixed(1)}%` : '-',
      errors: String(failed),
      failing: failed > 0,
    };
  });
}

export interface ChartSeries {
  label: string;
  values: number[];
}


export interface ChartsView {
  p95: ChartSeries[];
  vus: ChartSeries;
  throughput: ChartSeries;
  errorRate: ChartSeries;
  /** how many windows each point stands for */
  windowsPerPoint: number;
}

export function chartsView(windows: readonly MergedWindow[], points: number): ChartsView {
  const buckets = bucketWindows(windows, points);
  const names = stepNames(windows);
  const tables = buckets.map((bucket) => {
    const table = new StepTable();
    for (const window of bucket) table.add(window.steps);
    return table;
  });
  const seconds = buckets.map((bucket) => bucket.reduce((sum, w) => sum + w.windowMs, 0) / 1000);
  const counts = tables.map((t) => [...t.steps.values()].reduce((sum, a) => sum + a.count, 0));
  const failures = tables.map((t) => [...t.steps.values()].reduce((sum, a) => sum + a.failed, 0));
  return {
    p95: names.map((name) => {
      // A bucket where the step did not succeed carries the last value on, so the line does not fall to 0.
      let carried = 0;
      return {
        label: terminalSafe(name),
        values: tables.map((table) => {
          const acc = table.steps.get(name);
          if (acc && acc.succeeded > 0) carried = acc.percentile(0.95);
          return carried;
        }),
      };
    }),
    vus: { label: 'active VUs', values: buckets.map((bucket) => Math.max(...bucket.map((w) => w.vus.max))) },
    throughput: { label: 'steps/s', values: counts.map((c, i) => c / seconds[i]!) },
    errorRate: { label: 'errors %', values: counts.map((c, i) => (c > 0 ? (100 * failures[i]!) / c : 0)) },
    windowsPerPoint: Math.max(1, Math.ceil(windows.length / Math.max(1, points))),
  };
}

export interface AgentRow {
  host: string;
  state: AgentStatus;
  vus: string;
  cpu: string;
  memory: string;
  lastReport: string;
  /** its CPU stayed above the warning line: its numbers are distorted */
  saturated: boolean;
  /** "reconnected 2x", or empty */
  link: string;
}

export function agentRows(s: DashboardSnapshot): AgentRow[] {
  return s.agents.map((agent) => {
    const cpu = agent.cpuHistory.at(-1);
    return {
      host: agent.host,
      state: agent.status,
      vus: `${agent.status === 'running' ? agent.activeVus : 0}/${agent.plannedVus}`,
      cpu: cpu === undefined ? '-' : `${Math.round(cpu)}%`,
      memory: agent.rssMb === undefined ? '-' : `${Math.round(agent.rssMb)} MB${agent.hostMemUsedPct !== undefined ? ` (host ${Math.round(agent.hostMemUsedPct)}%)` : ''}`,
      lastReport: agent.lastReportAt === undefined ? '-' : `${Math.max(0, Math.round((s.now - agent.lastReportAt) / 1000))}s ago`,
      saturated: agent.saturated,
      link: agent.reconnects ? `reconnected ${agent.reconnects}x` : '',
    };
  });
}

/** The events line: the newest events, then the most frequent error classes of the run. */
export function eventsLine(s: DashboardSnapshot, maxEvents = 2): string[] {
  const lines = s.events.slice(-maxEvents);
  const errors = new Map<string, number>();
  for (const window of s.windows) {
    for (const step of Object.values(window.steps)) {
      for (const [errorClass, { count }] of Object.entries(step.errors)) errors.set(errorClass, (errors.get(errorClass) ?? 0) + count);
    }
    for (const [errorClass, { count }] of Object.entries(window.iterationErrors)) errors.set(errorClass, (errors.get(errorClass) ?? 0) + count);
  }
  const top = [...errors].sort((a, b) => b[1] - a[1]).slice(0, 3);
  if (top.length > 0) lines.push(`top errors: ${top.map(([name, count]) => `${terminalSafe(name)} x${count}`).join(', ')}`);
  return lines;
}

export interface RequestRow {
  label: string;
  count: string;
  errors: string;
  ttfbP95: string;
  totalP95: string;
  failing: boolean;
}

export interface BrowserPanelView {
  /** labels by TTFB p95, slowest first */
  rows: RequestRow[];
  /** how many labels there are in all */
  labels: number;
  /** "2xx 120  4xx 3  5xx 1": every request of the run by status class */
  statuses: string;
  /** "LCP 1.2s  FCP 800ms …": p75 of every page view so far, with each one's band */
  vitals: Array<{ text: string; band: VitalBand }>;
}

/** The run so far: top request groups by TTFB p95, error statuses, vitals p75; undefined when the run collects none. */
export function browserPanelView(s: DashboardSnapshot, maxRows: number): BrowserPanelView | undefined {
  const { requests, pageViews, collected } = browserTotals(s.windows);
  if (!collected) return undefined;
  const all = new RequestAccumulator();
  const rows = [...requests]
    .map(([label, acc]) => {
      all.addWire(acc.toWire());
      const ttfb = acc.phases.get('ttfb');
      const total = acc.phases.get('total');
      const errors = errorCount(Object.fromEntries(acc.statuses));
      return {
        order: ttfb.count > 0 ? ttfb.quantile(0.95) : -1,
        row: { label: terminalSafe(label), count: String(acc.count), errors: String(errors), ttfbP95: ttfb.count > 0 ? formatMs(ttfb.quantile(0.95)) : '-', totalP95: total.count > 0 ? formatMs(total.quantile(0.95)) : '-', failing: errors > 0 },
      };
    })
    .sort((a, b) => b.order - a.order)
    .map((entry) => entry.row);
  const views = new PageViewAccumulator();
  for (const acc of pageViews.values()) views.addWire(acc.toWire());
  const vitals = VITALS.flatMap((vital) => {
    const dist = views.vitals.byName.get(vital);
    if (!dist || dist.count === 0) return [];
    const p75 = dist.quantile(0.75);
    return [{ text: `${vital} ${vital === 'CLS' ? p75.toFixed(3) : formatMs(p75)}`, band: vitalBand(vital, p75) }];
  });
  const statuses = STATUS_CLASSES.filter((cls) => all.status(cls) > 0)
    .map((cls) => `${cls} ${all.status(cls)}`)
    .join('  ');
  return { rows: rows.slice(0, maxRows), labels: rows.length, statuses: statuses || 'no request yet', vitals };
}
