// Flags that several commands take, defined once so their names, parsing and
// help read the same everywhere; and the parsers for command-line values,
// each error naming what it expects.
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_NODE_MIRROR } from '../prepare/mirrors.js';

export function collectEnv(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0)) throw new InvalidArgumentError(`expected a number above 0, got "${value}"`);
  return n;
}

export const envFlag = () => new Option('--env <KEY=VALUE>', "value for the scenario's env (repeatable)").argParser(collectEnv);

export const secretFlag = () =>
  new Option('--secret <NAME>', "a value the scenario reads as secrets.NAME: from the environment variable NAME, from a file (NAME=@path), or asked on a terminal; masked as *** in everything squall writes or prints (repeatable)").argParser(
    (value: string, previous: string[] = []) => [...previous, value],
  );

export const browserPathFlag = () => new Option('--browser-path <path>', 'Chromium to drive on this machine (default: chromium-headless-shell, found automatically)');

export const outFlag = () =>
  new Option('--out <dir>', 'where to write report.json, report.html, series.csv and junit.xml (default: squall-results/<run-id>)');

/** run's --out: a results folder, or (repeatable) a live output as kind=target. */
export const runOutFlag = () =>
  new Option(
    '--out <dir|kind=target>',
    'a plain path: where to write report.json, report.html, series.csv and junit.xml (default: squall-results/<run-id>); kind=target (repeatable): also export every window as it completes to prometheus-rw=URL (remote-write), otlp=URL (OTLP/HTTP metrics) or json=FILE (one line per window)',
  ).argParser((value: string, previous: string[] = []) => [...previous, value]);

export const dbFlag = () => new Option('--db <file>', 'SQLite store that keeps every run (default: $SQUALL_DB or squall-results/squall.db)');

export const windowFlag = (byDefault: string) =>
  new Option('--window <time>', 'aggregation window: the resolution of progress lines and series').default(byDefault);

/** commander reads --no-dashboard as `dashboard: false`. */
export const noDashboardFlag = () =>
  new Option('--no-dashboard', 'print one plain line per window instead of the live dashboard (also when not a terminal, or CI is set)');

export const hostsFlag = (description: string) => new Option('--hosts <file>', `${description} (YAML or JSON inventory)`);

export const acceptNewHostKeysFlag = () =>
  new Option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts (a changed key is never accepted)');

export interface ScenarioFlags {
  env?: Record<string, string>;
  secret?: string[];
  browserPath?: string;
  allowOrigin?: string[];
}

/** What a scenario argument may be, for run's and check's help. */
export const SCENARIO_KINDS =
  'a scenario file (.ts or .js) whose default export is defineScenario({ name, options, run }), a URL list (.txt: one URL per line), a chain of URL lists (.yaml) or a Chrome DevTools Recorder export (.json)';

/** `what`: the flag's meaning for this command; by default a URL list's, chain's or recording's */
export const allowOriginFlag = (what = "a URL list, chain or recording: an origin it may send load to besides its first URL's (repeatable)") =>
  new Option('--allow-origin <origin>', what).argParser(
    (value: string, previous: string[] = []) => [...previous, value],
  );

export interface OutputFlags {
  out?: string;
  db?: string;
  window: string;
  dashboard?: boolean;
}

export const nodeFromFlag = () =>
  new Option('--node-from <source>', 'where a host without Node.js 20+ gets it: auto (download on the host when it reaches the mirror, else a copy of this machine\'s node), download, or push')
    .choices(['auto', 'download', 'push'])
    .default('auto');

export const nodeMirrorFlag = () => new Option('--node-mirror <url>', 'where hosts download Node.js from (nodejs.org/dist layout)').default(DEFAULT_NODE_MIRROR);

export const chromiumFromFlag = () =>
  new Option('--chromium-from <source>', "where a host without Chromium gets it: auto (its package manager on Debian as root or with sudo, else Chrome for Testing's headless shell downloaded on the host), package, or download")
    .choices(['auto', 'package', 'download'])
    .default('auto');

export const chromeMirrorFlag = () => new Option('--chrome-mirror <url>', 'where hosts download Chrome for Testing from (default: Google\'s storage.googleapis.com/chrome-for-testing-public)');
