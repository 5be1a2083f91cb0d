// Requests by URL label and Web Vitals by step, for one window or a whole
// run: exact counts plus mergeable distributions, the same way steps are kept.
import type { PageViewWindow, RequestWindow, StatusClass } from '../protocol/messages.js';
import { boundText, saneBytes, saneMeasure } from '../bounded-text.js';
import { DistributionSet } from './distribution.js';
import { VITALS, type Vital } from './vitals.js';

export const REQUEST_PHASES = ['dns', 'connect', 'tls', 'ttfb', 'download', 'total'] as const;
export type RequestPhase = (typeof REQUEST_PHASES)[number];

/** One request as the browser's network layer timed it; a phase that did not happen is absent. */
export interface RequestSample {
  url: string;
  method: string;
  /** the response's status; 0 when there was none */
  status: number;
  /** no complete response: a network error, a cancel, a CORS refusal */
  failed?: boolean;
  /** why it failed, as the browser says it (net::ERR_CONNECTION_REFUSED) */
  error?: string;
  bytes: number;
  cached: boolean;
  /** answered by a service worker */
  serviceWorker?: boolean;
  phases: Partial<Record<RequestPhase, number>>;
}

/** Distinct methods and network errors kept per label and window; past it, "other". */
export const MAX_REASONS = 16;
/** Lengths the window format allows a method and a failure reason (messages.ts). */
const MAX_METHOD_CHARS = 64;
const MAX_REASON_CHARS = 300;

/** Responses that went wrong: 4xx, 5xx, and requests that got none. */
export const ERROR_STATUS_CLASSES: readonly StatusClass[] = ['4xx', '5xx', 'failed'];

export function errorCount(statuses: Partial<Record<StatusClass, number>>): number {
  return ERROR_STATUS_CLASSES.reduce((sum, cls) => sum + (statuses[cls] ?? 0), 0);
}

export function statusClass(sample: Pick<RequestSample, 'status' | 'failed'>): StatusClass {
  if (sample.failed) return 'failed';
  const { status } = sample;
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'other';
}

export class RequestAccumulator {
  count = 0;
  bytes = 0;
  cached = 0;
  serviceWorker = 0;
  readonly statuses = new Map<StatusClass, number>();
  readonly steps = new Map<string, number>();
  readonly methods = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly phases = new DistributionSet<RequestPhase>();

  record(sample: RequestSample, step: string): void {
    this.count += 1;
    this.bytes += saneBytes(sample.bytes);
    if (sample.cached) this.cached += 1;
    if (sample.serviceWorker) this.serviceWorker += 1;
    bump(this.statuses, statusClass(sample), 1);
    bump(this.steps, step, 1);
    bumpCapped(this.methods, boundText(String(sample.method), MAX_METHOD_CHARS), 1);
    if (sample.failed) bumpCapped(this.errors, boundText(sample.error ?? 'failed', MAX_REASON_CHARS), 1);
    for (const phase of REQUEST_PHASES) {
      const value = sample.phases[phase];
      const sane = value === undefined ? undefined : saneMeasure(value);
      if (sane !== undefined) this.phases.get(phase).record(sane);
    }
  }

  addWire(wire: RequestWindow): void {
    this.count += wire.count;
    this.bytes += wire.bytes;
    this.cached += wire.cached;
    this.serviceWorker += wire.serviceWorker ?? 0;
    for (const [status, n] of Object.entries(wire.statuses)) bump(this.statuses, status as StatusClass, n);
    for (const [step, n] of Object.entries(wire.steps)) bump(this.steps, step, n);
    for (const [method, n] of Object.entries(wire.methods ?? {})) bumpCapped(this.methods, method, n);
    for (const [error, n] of Object.entries(wire.errors ?? {})) bumpCapped(this.errors, error, n);
    this.phases.addWire(wire, REQUEST_PHASES);
  }

  /** methods, errors and serviceWorker (window format 5), each only when there is one: the same in a window and in the report. */
  formatFiveFields(): Pick<RequestWindow, 'methods' | 'errors' | 'serviceWorker'> {
    return {
      ...(this.methods.size > 0 ? { methods: Object.fromEntries(this.methods) } : {}),
      ...(this.errors.size > 0 ? { errors: Object.fromEntries(this.errors) } : {}),
      ...(this.serviceWorker > 0 ? { serviceWorker: this.serviceWorker } : {}),
    };
  }

  status(cls: StatusClass): number {
    return this.statuses.get(cls) ?? 0;
  }

  toWire(): RequestWindow {
    return {
      count: this.count,
      statuses: Object.fromEntries(this.statuses),
      bytes: this.bytes,
      cached: this.cached,
      steps: Object.fromEntries(this.steps),
      ...this.formatFiveFields(),
      ...this.phases.toWire(REQUEST_PHASES),
    };
  }
}

export type VitalValues = Partial<Record<Vital, number>>;

export class PageViewAccumulator {
  views = 0;
  readonly vitals = new DistributionSet<Vital>();

  record(values: VitalValues): void {
    this.views += 1;
    for (const vital of VITALS) {
      const value = values[vital];
      const sane = value === undefined ? undefined : saneMeasure(value);
      if (sane !== undefined) this.vitals.get(vital).record(sane);
    }
  }

  addWire(wire: PageViewWindow): void {
    this.views += wire.views;
    this.vitals.addWire(wire, VITALS);
  }

  toWire(): PageViewWindow {
    return { views: this.views, ...this.vitals.toWire(VITALS) };
  }
}

/** Accumulators by key in first-seen order: requests by label, page views by step. */
export class KeyedTable<A extends { addWire(wire: W): void; toWire(): W }, W> {
  readonly entries = new Map<string, A>();

  constructor(private readonly create: () => A) {}

  get(key: string): A {
    let acc = this.entries.get(key);
    if (!acc) {
      acc = this.create();
      this.entries.set(key, acc);
    }
    return acc;
  }

  add(wire: Record<string, W> | undefined): void {
    if (!wire) return;
    for (const [key, value] of Object.entries(wire)) this.get(key).addWire(value);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Undefined when empty, so windows without any stay format-1 shaped. */
  toWire(): Record<string, W> | undefined {
    if (this.entries.size === 0) return undefined;
    return Object.fromEntries([...this.entries].map(([key, acc]) => [key, acc.toWire()]));
  }
}

export const requestTable = () => new KeyedTable<RequestAccumulator, RequestWindow>(() => new RequestAccumulator());
export const pageViewTable = () => new KeyedTable<PageViewAccumulator, PageViewWindow>(() => new PageViewAccumulator());

function bump<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** A page names its own methods and errors: past MAX_REASONS distinct ones, the rest count as "other". */
function bumpCapped(map: Map<string, number>, key: string, n: number): void {
  const kept = map.has(key) || map.size < MAX_REASONS - 1 ? key : OTHER;
  bump(map, kept, n);
}

const OTHER = 'other';
