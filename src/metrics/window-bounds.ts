// What one window may hold, drawn the same on both sides: the agent trims a
// window to fit (and says how much it left out), the controller refuses one
// past the bounds, whoever sent it. A window that never fits would be resent
// forever and lose the run; one with absurd numbers would take the
// controller's memory.
import type { Distribution, WindowBody } from '../protocol/messages.js';
import { MAX_BYTES, MAX_MEASURE } from '../bounded-text.js';

export const WINDOW_LIMITS = {
  /** distinct step names (and page-view steps, flows) in one window */
  names: 2000,
  /** distinct request labels in one window (the agent keeps 100 by default, plus the scenario's groups) */
  requestLabels: 2000,
  /** error classes in one tally (the agent keeps 20) */
  errorClasses: 100,
  /** the frame the agent aims under; the hub refuses frames over 16 MiB */
  frameBytes: 8 * 1024 * 1024,
  /** steps, requests or iterations one VU can account for per millisecond of a window, at the very most */
  eventsPerVuMs: 1000,
} as const;

type Sized = (window: WindowBody) => number;
/** Bytes on the wire: the hub's cap counts UTF-8 bytes, and a CJK step name is 3 of them per character. */
const jsonBytes: Sized = (window) => Buffer.byteLength(JSON.stringify(window));

/**
 * The window, trimmed until it fits `frameBytes`: names past the limits go
 * first (the least counted), then request detail, then page views, then steps
 * from the least counted. `trimmed` counts the entries left out.
 */
export function fitWindow(window: WindowBody, frameBytes: number = WINDOW_LIMITS.frameBytes, size: Sized = jsonBytes): WindowBody {
  let left = 0;
  const keepMost = <V>(record: Record<string, V> | undefined, most: number, weight: (value: V) => number) => {
    if (!record) return record;
    const entries = Object.entries(record);
    if (entries.length <= most) return record;
    left += entries.length - most;
    return Object.fromEntries(entries.sort(([, a], [, b]) => weight(b) - weight(a)).slice(0, most));
  };
  let fitted: WindowBody = {
    ...window,
    steps: keepMost(window.steps, WINDOW_LIMITS.names, (s) => s.count)!,
    requests: keepMost(window.requests, WINDOW_LIMITS.requestLabels, (r) => r.count),
    pageViews: keepMost(window.pageViews, WINDOW_LIMITS.names, (p) => p.views),
    flows: keepMost(window.flows, WINDOW_LIMITS.names, (f) => f.started),
  };
  const marked = () => (left > 0 ? { ...fitted, trimmed: (window.trimmed ?? 0) + left } : fitted);
  for (const detail of ['requests', 'pageViews'] as const) {
    if (size(marked()) <= frameBytes) return marked();
    const dropped = fitted[detail];
    if (!dropped) continue;
    left += Object.keys(dropped).length;
    fitted = { ...fitted, [detail]: undefined };
  }
  const steps = Object.entries(fitted.steps).sort(([, a], [, b]) => b.count - a.count);
  while (steps.length > 0 && size(marked()) > frameBytes) {
    // Halving keeps this to a few serialisations however many steps there are.
    const cut = Math.ceil(steps.length / 2);
    left += cut;
    steps.splice(steps.length - cut, cut);
    fitted = { ...fitted, steps: Object.fromEntries(steps) };
  }
  return marked();
}

export interface WindowExpectation {
  plannedVus: number;
  windowMs: number;
  /** the run's t0: windows start on it and every windowMs after */
  origin: number;
  /** windows start within [earliest, latest] (controller clock): not before the run, not in the future */
  earliest?: number;
  latest?: number;
}

/** Why a window cannot be true for an agent given `plannedVus` VUs and windows of `windowMs`; undefined when it can. */
export function windowOutOfBounds(window: WindowBody, expected: WindowExpectation): string | undefined {
  if (window.windowMs !== expected.windowMs) return `a ${window.windowMs} ms window in a run of ${expected.windowMs} ms windows`;
  // A stray start (0, 9e15) would stretch the run's span over years: its end and every report of it would crawl through it.
  if ((window.windowStart - expected.origin) % expected.windowMs !== 0) return `a window starting at ${window.windowStart}, not on a ${expected.windowMs} ms boundary from the run's start`;
  if (window.windowStart < (expected.earliest ?? -Infinity) || window.windowStart > (expected.latest ?? Infinity)) {
    // Not through Date: past year 275760 toISOString throws.
    return `a window starting at ${window.windowStart} (epoch ms), outside the run`;
  }
  const vus = Math.max(window.vus.max, window.vus.min, window.vus.allocated ?? 0);
  if (vus > expected.plannedVus) return `${vus} VUs from an agent given ${expected.plannedVus}`;
  const names: Array<[string, Record<string, unknown> | undefined, number]> = [
    ['steps', window.steps, WINDOW_LIMITS.names],
    ['request labels', window.requests, WINDOW_LIMITS.requestLabels],
    ['page-view steps', window.pageViews, WINDOW_LIMITS.names],
    ['flows', window.flows, WINDOW_LIMITS.names],
    ['iteration error classes', window.iterationErrors, WINDOW_LIMITS.errorClasses],
  ];
  for (const [what, record, most] of names) {
    const count = record ? Object.keys(record).length : 0;
    if (count > most) return `${count} ${what} in one window (at most ${most})`;
  }
  const mostEvents = Math.max(1, expected.plannedVus) * expected.windowMs * WINDOW_LIMITS.eventsPerVuMs;
  const counts: Array<[string, number]> = [
    ['iterations started', window.iterations.started],
    ['iterations dropped', window.iterations.dropped ?? 0],
    ...Object.entries(window.steps).map(([name, s]): [string, number] => [`attempts of step "${name.slice(0, 60)}"`, s.count]),
    ...Object.entries(window.requests ?? {}).map(([label, r]): [string, number] => [`requests of "${label.slice(0, 60)}"`, r.count]),
  ];
  for (const [what, count] of counts) {
    if (count > mostEvents) return `${count} ${what} in one window (at most ${mostEvents} from ${expected.plannedVus} VUs)`;
  }
  for (const [name, step] of Object.entries(window.steps)) {
    if (Object.keys(step.errors).length > WINDOW_LIMITS.errorClasses) return `${Object.keys(step.errors).length} error classes in step "${name.slice(0, 60)}"`;
    // Sums that could add up to Infinity (stored as null) across windows.
    if (step.maxMs > MAX_MEASURE || step.sumMs > step.count * MAX_MEASURE) return `timings over ${MAX_MEASURE} ms in step "${name.slice(0, 60)}"`;
  }
  for (const [label, request] of Object.entries(window.requests ?? {})) {
    if (request.bytes > request.count * MAX_BYTES) return `${request.bytes} bytes for ${request.count} requests of "${label.slice(0, 60)}"`;
    if (distributionsOf(request).some(tooLarge)) return `timings over ${MAX_MEASURE} ms for requests of "${label.slice(0, 60)}"`;
  }
  for (const [step, views] of Object.entries(window.pageViews ?? {})) {
    if (distributionsOf(views).some(tooLarge)) return `vitals over ${MAX_MEASURE} in page views of "${step.slice(0, 60)}"`;
  }
  return undefined;
}

function distributionsOf(record: object): Distribution[] {
  return Object.values(record).filter((value): value is Distribution => typeof value === 'object' && value !== null && 'hist' in value);
}

function tooLarge(distribution: Distribution): boolean {
  return distribution.max > MAX_MEASURE || distribution.sum > distribution.count * MAX_MEASURE;
}
