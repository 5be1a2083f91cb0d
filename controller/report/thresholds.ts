// k6-style thresholds: parsed when the run starts (a bad one is bad input),
// evaluated at the end against the merged numbers of the whole run.
//   'step:add to cart': ['p95 < 800', 'failed < 1%']
//   'steps': ['p99 < 3s']            every step's samples merged together
//   'iterations': ['completed > 100', 'failed < 5%']
//   'requests…' and 'vitals…': threshold-browser.ts
import { InputError } from '../../src/errors.js';
import { REQUEST_PHASES, type RequestPhase } from '../../src/metrics/request-stats.js';
import { OTHER_LABEL } from '../../src/metrics/url-label.js';
import type { StepAccumulator } from '../../src/metrics/step-stats.js';
import type { ThresholdResult } from '../../src/protocol/report.js';
import type { ThresholdSpec } from '../../src/protocol/store.js';
import {
  browserMetricHelp,
  browserScope,
  browserUnit,
  isBrowserMetric,
  measureBrowser,
  splitPhaseFlag,
  type BrowserObservations,
  type BrowserScope,
  type Operator,
  type Unit,
} from './threshold-browser.js';
// Rounded the way report.json shows it, so a verdict matches the numbers beside it.
import { round } from './numbers.js';
import type { ThresholdOption } from '../../src/protocol/scenario.js';
import { parseDuration } from '../../src/load/duration.js';

export type { ThresholdSpec };

type IterationCounts = { started: number; completed: number; failed: number; dropped?: number };

export interface ParsedThreshold extends ThresholdSpec {
  scope: { kind: 'step'; name: string } | { kind: 'steps' } | { kind: 'iterations' } | { kind: 'flow'; name: string } | BrowserScope;
  metric: string;
  /** a request phase the metric is of: "ttfb" in "ttfb:p95 < 300" */
  phase?: RequestPhase;
  operator: Operator;
  /** in the metric's unit: ms, a count, a percentage, or per second */
  value: number;
  unit: Unit;
}

export interface Observations extends BrowserObservations {
  steps: ReadonlyMap<string, StepAccumulator>;
  /** all steps' samples together */
  allSteps: StepAccumulator;
  iterations: IterationCounts;
  /** a scenario with named flows: the iterations of each */
  flows?: ReadonlyMap<string, IterationCounts>;
  durationMs: number;
  /** an arrival-rate run: how long its schedule lasts; iterations:rate is then the rate it started them at */
  scheduleMs?: number;
  /** flows run by an arrival-rate load of a run whose flows have loads of their own: that load's schedule, as scheduleMs is the run's */
  flowScheduleMs?: ReadonlyMap<string, number>;
}

const EXPRESSION = /^\s*(?:([a-z]+):)?([a-z][a-z0-9.]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|%|\/s)?\s*$/;
const STEP_METRICS = ['min', 'max', 'mean', 'count', 'failed', 'rate'];
const ITERATION_METRICS = ['started', 'completed', 'failed', 'dropped', 'rate'];

function fail(spec: ThresholdSpec, why: string): never {
  const where = spec.source === 'cli' ? '--threshold' : 'options.thresholds';
  throw new InputError(`${where} "${spec.target}": "${spec.expression}": ${why}`);
}

function scopeOf(spec: ThresholdSpec): ParsedThreshold['scope'] {
  const { target } = spec;
  if (target === 'steps') return { kind: 'steps' };
  if (target === 'iterations') return { kind: 'iterations' };
  if (target.startsWith('step:') && target.length > 5) return { kind: 'step', name: target.slice(5) };
  if (target.startsWith('flow:') && target.length > 5) return { kind: 'flow', name: target.slice(5) };
  const browser = browserScope(target);
  if (typeof browser === 'string') fail(spec, browser);
  if (browser) return browser;
  fail(spec, 'the target must be "step:<step name>", "steps", "iterations", "flow:<flow name>", "requests", "requests:<label>" or "vitals:<LCP|FCP|CLS|INP|TTFB>"');
}

export function parseThreshold(spec: ThresholdSpec): ParsedThreshold {
  const scope = scopeOf(spec);
  const match = EXPRESSION.exec(spec.expression);
  if (!match) fail(spec, 'expected <metric> <operator> <value>, e.g. "p95 < 800" or "failed < 1%"');
  const [, phase, metric, operator, number, suffix] = match as unknown as [string, string | undefined, string, Operator, string, string | undefined];
  if (scope.kind === 'requests' || scope.kind === 'vitals') {
    if (!isBrowserMetric(scope, metric, phase)) fail(spec, `unknown metric "${phase ? `${phase}:` : ''}${metric}"; use ${browserMetricHelp(scope)}`);
    const unit = browserUnit(scope, metric, suffix);
    if (!['ms', 'count', 'percent', 'rate', 'score'].includes(unit)) fail(spec, unit);
    if (unit === 'count' && !Number.isInteger(Number(number))) fail(spec, `"${metric}" is a count: expected a whole number`);
    const value = Number(number) * (unit === 'ms' && suffix === 's' ? 1000 : 1);
    return { ...spec, scope, metric, ...(phase ? { phase: phase as RequestPhase } : {}), operator, value, unit: unit as Unit };
  }
  if (phase) fail(spec, `"${phase}:" names a request phase: only "requests" targets have them`);
  const ofIterations = scope.kind === 'iterations' || scope.kind === 'flow';
  const allowed = ofIterations ? ITERATION_METRICS : STEP_METRICS;
  const percentile = !ofIterations && /^p(\d{1,2}(\.\d+)?)$/.test(metric);
  if (!percentile && !allowed.includes(metric)) {
    fail(spec, `unknown metric "${metric}"; use ${ofIterations ? allowed.join(', ') : `p50, p90, p95, p99 (any pNN), ${allowed.join(', ')}`}`);
  }
  let value = Number(number);
  let unit: Unit;
  if (percentile || ['min', 'max', 'mean'].includes(metric)) {
    if (suffix && suffix !== 'ms' && suffix !== 's') fail(spec, `"${metric}" is a time: write ms or s, not ${suffix}`);
    unit = 'ms';
    if (suffix === 's') value *= 1000;
  } else if ((metric === 'failed' || metric === 'dropped') && suffix === '%') {
    unit = 'percent';
  } else if (metric === 'rate') {
    if (suffix && suffix !== '/s') fail(spec, `"rate" is per second: write /s or nothing, not ${suffix}`);
    unit = 'rate';
  } else {
    if (suffix) fail(spec, `"${metric}" is a count: no unit (${metric === 'failed' || metric === 'dropped' ? 'or % for a share' : 'not ' + suffix})`);
    if (!Number.isInteger(value)) fail(spec, `"${metric}" is a count: expected a whole number`);
    unit = 'count';
  }
  return { ...spec, scope, metric, operator, value, unit };
}

export function parseThresholdFlag(flag: string): ThresholdSpec {
  const phased = splitPhaseFlag(flag);
  if (phased) return phased;
  // The step name may itself hold colons; the expression never does (but for a request phase, above).
  const cut = flag.lastIndexOf(':');
  if (cut <= 0) {
    throw new InputError(`--threshold "${flag}": expected <target>:<expression>, e.g. "step:home:p95<500" or "iterations:failed<1%"`);
  }
  return { target: flag.slice(0, cut).trim(), expression: flag.slice(cut + 1).trim(), source: 'cli' };
}

/** An expression that starts with its operator takes its metric from the key: { 'step:checkout:p95': ['< 2000'] }. */
const OPERATOR_FIRST = /^\s*(<=|>=|==|!=|<|>)/;

function scenarioSpec(target: string, option: ThresholdOption): ThresholdSpec {
  const { threshold: expression, abortOnFail, delayAbortEval } = typeof option === 'string' ? { threshold: option } : option;
  const live = abortOnFail ? { abortOnFail: true, delayAbortEvalMs: delayAbortEval !== undefined ? (parseDuration(delayAbortEval) ?? 0) : 0 } : {};
  if (OPERATOR_FIRST.test(expression) && target.includes(':')) {
    const spec = parseThresholdFlag(`${target}${expression.trim()}`);
    return { target: spec.target, expression: spec.expression, source: 'scenario', ...live };
  }
  return { target, expression, source: 'scenario', ...live };
}

/**
 * Scenario options' `thresholds` object to specs. `flows`: a scenario's
 * named flows, which its flow targets must name, and its steps' names begin with.
 * `cliAbort` (--abort-on-fail): every --threshold stops the load when it fails.
 */
export function thresholdSpecs(
  options: Record<string, readonly ThresholdOption[]> | undefined,
  flags: readonly string[],
  flows?: readonly string[],
  requestGroups: readonly string[] = [],
  cliAbort?: { delayAbortEvalMs: number },
): ThresholdSpec[] {
  const fromScenario = Object.entries(options ?? {}).flatMap(([target, list]) => list.map((option) => scenarioSpec(target, option)));
  const fromFlags = flags.map((flag) => ({ ...parseThresholdFlag(flag), ...(cliAbort ? { abortOnFail: true, delayAbortEvalMs: cliAbort.delayAbortEvalMs } : {}) }));
  const specs = [...fromScenario, ...fromFlags];
  for (const spec of specs) {
    const { scope } = parseThreshold(spec);
    checkFlowOf(spec, scope, flows);
    checkRequestLabelOf(spec, scope, requestGroups);
  }
  return specs;
}

/**
 * A request label is a path, a URL, "other" or one of the scenario's request
 * groups: anything else can match nothing, and would be found only after
 * the load (a typo'd phase: "requests:dnsx:p95<5").
 */
function checkRequestLabelOf(spec: ThresholdSpec, scope: ParsedThreshold['scope'], groups: readonly string[]): void {
  if (scope.kind !== 'requests' || scope.label === undefined) return;
  const { label } = scope;
  if (label.startsWith('/') || /^https?:\/\//.test(label) || label === OTHER_LABEL || groups.includes(label)) return;
  const known = groups.length > 0 ? `one of the scenario's request groups (${groups.join(', ')})` : 'a request group of the scenario (it has none)';
  fail(spec, `"${label}" is no request label: expected a path ("/api/cart"), a URL ("https://shop.example/api/cart"), "other" or ${known}; a phase of every request is "requests:<phase>:p95<…" with a phase of ${REQUEST_PHASES.join(', ')}`);
}

function checkFlowOf(spec: ThresholdSpec, scope: ParsedThreshold['scope'], flows: readonly string[] | undefined): void {
  const known = flows ? `the scenario's flows: ${flows.join(', ')}` : 'the scenario has no named flows';
  if (scope.kind === 'flow' && !flows?.includes(scope.name)) fail(spec, `unknown flow "${scope.name}"; ${known}`);
  if (scope.kind === 'step' && flows && !flows.some((flow) => scope.name.startsWith(`${flow}/`))) {
    fail(spec, `a step of a named flow is "<flow>/<step>", e.g. "step:${flows[0]}/${scope.name}"; ${known}`);
  }
}

function compare(actual: number, operator: Operator, expected: number): boolean {
  switch (operator) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/** A share in percent, without floating-point dust (1 of 100 is exactly 1). */
function percent(part: number, whole: number): number {
  return Math.round(((100 * part) / whole) * 1e9) / 1e9;
}

function measure(t: ParsedThreshold, obs: Observations): number | string {
  const seconds = Math.max(obs.durationMs / 1000, 0.001);
  if (t.scope.kind === 'requests' || t.scope.kind === 'vitals') return measureBrowser({ ...t, scope: t.scope }, obs, round, percent);
  if (t.scope.kind === 'iterations' || t.scope.kind === 'flow') {
    const it = t.scope.kind === 'flow' ? obs.flows?.get(t.scope.name) : obs.iterations;
    if (!it) return `flow "${(t.scope as { name: string }).name}" never ran`;
    // An open model is judged by the rate it started iterations at, over its schedule; a closed one by what it completed.
    const scheduleMs = t.scope.kind === 'flow' ? (obs.flowScheduleMs?.get(t.scope.name) ?? obs.scheduleMs) : obs.scheduleMs;
    if (t.metric === 'rate') return scheduleMs !== undefined ? round(it.started / Math.max(scheduleMs / 1000, 0.001)) : round(it.completed / seconds);
    if (t.metric === 'dropped') {
      const dropped = it.dropped ?? 0;
      if (t.unit !== 'percent') return dropped;
      const scheduled = it.started + dropped;
      return scheduled === 0 ? 'no iteration was due' : percent(dropped, scheduled);
    }
    if (t.metric === 'failed' && t.unit === 'percent') {
      const finished = it.completed + it.failed;
      return finished === 0 ? 'no iteration finished' : percent(it.failed, finished);
    }
    return it[t.metric as 'started' | 'completed' | 'failed'];
  }
  const acc = t.scope.kind === 'steps' ? obs.allSteps : obs.steps.get(t.scope.name);
  if (!acc || acc.count === 0) return t.scope.kind === 'step' ? `step "${t.scope.name}" never ran` : 'no step ran';
  if (t.metric === 'count') return acc.count;
  if (t.metric === 'rate') return round(acc.count / seconds);
  if (t.metric === 'failed') return t.unit === 'percent' ? percent(acc.failed, acc.count) : acc.failed;
  if (acc.succeeded === 0) return 'no attempt succeeded';
  if (t.metric === 'min') return round(acc.minMs);
  if (t.metric === 'max') return round(acc.maxMs);
  if (t.metric === 'mean') return round(acc.sumMs / acc.succeeded);
  return round(acc.percentile(Number(t.metric.slice(1)) / 100));
}

function show(value: number, unit: Unit): string {
  if (unit === 'ms') return `${value}ms`;
  if (unit === 'percent') return `${round(value)}%`;
  if (unit === 'rate') return `${value}/s`;
  return String(value);
}

export function evaluateThresholds(specs: readonly ThresholdSpec[], obs: Observations): ThresholdResult[] {
  return specs.map((spec) => {
    const t = parseThreshold(spec);
    const actual = measure(t, obs);
    const base = { target: spec.target, expression: spec.expression, source: spec.source };
    if (typeof actual === 'string') return { ...base, passed: false, detail: actual };
    const passed = compare(actual, t.operator, t.value);
    return {
      ...base,
      actual,
      passed,
      detail: `${t.phase ? `${t.phase}:` : ''}${t.metric} was ${show(actual, t.unit)}${passed ? '' : `, not ${t.operator} ${show(t.value, t.unit)}`}`,
    };
  });
}
