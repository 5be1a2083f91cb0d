// --out, k6-style: `kind=target` is a live output the run's windows are
// exported to as they complete; a plain path is the results folder, as it
// always was. Checked before any host or browser; each kind's code is
// loaded only when a run asks for it.
import { dirname, resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import type { LiveOutput } from '../live/output.js';
import { unwritableDirectory } from '../files.js';
import { DEFAULT_EXPORTER_OPTIONS, type ExporterOptions } from './options.js';

export const OUTPUT_KINDS = {
  'prometheus-rw': 'Prometheus remote-write 1.0 endpoint, e.g. prometheus-rw=http://localhost:9090/api/v1/write',
  otlp: 'OpenTelemetry OTLP/HTTP metrics endpoint (protobuf), e.g. otlp=http://localhost:4318/v1/metrics',
  json: 'a file that gets one JSON line per merged window, e.g. json=windows.jsonl',
} as const;

export type OutputKind = keyof typeof OUTPUT_KINDS;

export interface OutputTarget {
  kind: OutputKind;
  /** a URL, or for json an absolute file path */
  target: string;
}

export interface OutFlags {
  /** the plain path, if one was given */
  resultsDir?: string;
  outputs: OutputTarget[];
}

const KIND_PREFIX = /^([a-z][a-z0-9-]*)=(.*)$/s;

/** Splits the --out values; `cwd` resolves a json file. Throws InputError on what cannot work. */
export function parseOutFlags(values: readonly string[], cwd: string): OutFlags {
  const outputs: OutputTarget[] = [];
  const dirs: string[] = [];
  for (const value of values) {
    const match = KIND_PREFIX.exec(value);
    if (!match) {
      dirs.push(value);
      continue;
    }
    const [, kind, target] = match as unknown as [string, string, string];
    if (!(kind in OUTPUT_KINDS)) {
      throw new InputError(
        `--out ${value}: "${kind}" is no output kind; expected a results folder or one of ${Object.keys(OUTPUT_KINDS).map((k) => `${k}=…`).join(', ')} (a folder whose name has "=" in it: --out ./${value})`,
      );
    }
    outputs.push(checkedTarget(kind as OutputKind, target, value, cwd));
  }
  if (dirs.length > 1) throw new InputError(`--out ${dirs.join(', --out ')}: one results folder per run (give live outputs as kind=target)`);
  return { ...(dirs[0] !== undefined ? { resultsDir: dirs[0] } : {}), outputs };
}

/** --export-quantiles "0.5,0.95,0.99": what latency summaries carry, each between 0 and 1. */
export function parseQuantiles(text: string, outputs: readonly OutputTarget[]): number[] {
  if (!outputs.some((output) => output.kind !== 'json')) throw new InputError('--export-quantiles: only with --out prometheus-rw=… or --out otlp=…');
  const quantiles = text.split(',').map((part) => part.trim());
  const bad = quantiles.find((q) => !/^0?\.\d+$/.test(q) || Number(q) <= 0 || Number(q) >= 1);
  if (bad !== undefined || quantiles.length === 0) {
    throw new InputError(`--export-quantiles ${text}: expected quantiles between 0 and 1, comma-separated, e.g. 0.5,0.9,0.95,0.99${bad !== undefined ? ` ("${bad}" is not one)` : ''}`);
  }
  return [...new Set(quantiles.map(Number))].sort((a, b) => a - b);
}

function checkedTarget(kind: OutputKind, target: string, value: string, cwd: string): OutputTarget {
  if (target.trim() === '') throw new InputError(`--out ${value}: expected ${OUTPUT_KINDS[kind]}`);
  if (kind === 'json') {
    const path = resolve(cwd, target);
    const problem = unwritableDirectory(dirname(path), (p) => p);
    if (problem) throw new InputError(`--out ${value}: its folder ${dirname(path)}: ${problem}`);
    return { kind, target: path };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new InputError(`--out ${value}: "${target}" is not a URL; expected ${OUTPUT_KINDS[kind]}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--out ${value}: expected an http:// or https:// URL, not ${url.protocol}`);
  return { kind, target: url.href };
}

/** The live outputs a run exports to, their code loaded now. */
export async function createOutputs(targets: readonly OutputTarget[], options: ExporterOptions = DEFAULT_EXPORTER_OPTIONS): Promise<LiveOutput[]> {
  return Promise.all(targets.map((target) => createOutput(target, options)));
}

async function createOutput({ kind, target }: OutputTarget, options: ExporterOptions): Promise<LiveOutput> {
  switch (kind) {
    case 'prometheus-rw':
      return (await import('./prometheus-rw/output.js')).prometheusRemoteWrite(target, options);
    case 'otlp':
      return (await import('./otlp/output.js')).otlpMetrics(target, options);
    case 'json':
      return (await import('./json-lines.js')).jsonLines(target);
  }
}
