// squall urls from-log: an access log (plain or gzip) streamed through the
// tally, the list written, and a summary that accounts for every line.
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../src/errors.js';
import { LogTally, type LogFormat, type SkipReason, type WeightedUrl } from '../../src/urls/access-log.js';
import { statusesOf, urlListText } from '../../src/urls/url-file.js';
import { counted } from '../format.js';

export interface FromLogOptions {
  /** as the user gave it, for messages */
  logPath: string;
  cwd: string;
  format: LogFormat;
  methods: readonly string[];
  /** origin, with a path prefix if the site lives under one */
  base: string;
  top: number;
  assets: boolean;
  downloads: boolean;
  /** the list's expect-status, or 'any' */
  expectStatus: string;
  /** "METHOD /group=body" as given */
  bodies: readonly string[];
  out: string;
  print: (line: string) => void;
}

/** Methods whose requests carry a body the log does not have. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Each reason as a count says it: singular, plural, and what to do about it. */
const REASONS: Record<SkipReason, [string, string, string?]> = {
  asset: ['asset', 'assets', '--assets keeps them'],
  download: ['download', 'downloads', '--downloads keeps them'],
  method: ['other method', 'other methods', '--methods'],
  failed: ['failed request', 'failed requests', '4xx, 5xx'],
  'no response': ['request with no response', 'requests with no response', 'status 000'],
  'no status': ['line with no status', 'lines with no status', '-'],
  'no request line': ['line with no request', 'lines with no request', 'a timeout: "-" 408'],
  'not a path': ['request for no path', 'requests for no path', 'OPTIONS *, CONNECT'],
  'other format': ['line in another format', 'lines in another format', 'than --format'],
};

function reasonText(reason: SkipReason, n: number): string {
  const [singular, plural, note] = REASONS[reason];
  return `${counted(n, singular, plural)}${note ? ` (${note})` : ''}`;
}

export async function listFromLog(options: FromLogOptions): Promise<void> {
  const absolute = resolve(options.cwd, options.logPath);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) throw new InputError(`${options.logPath}: no such log file`);
  const expectStatus = options.expectStatus === 'any' ? undefined : statusesOf(options.expectStatus, `--expect-status ${options.expectStatus}`).join(',');
  const bodies = new Map(options.bodies.map((given) => bodyOf(given)));
  const tally = new LogTally({ format: options.format, methods: options.methods, base: options.base, assets: options.assets, downloads: options.downloads });
  const started = Date.now();
  const raw = createReadStream(absolute);
  const input = absolute.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) tally.add(line);
  } catch (error) {
    throw new InputError(`${options.logPath}: could not be read: ${(error as Error).message}`);
  }
  const top = tally.top(options.top);
  const format = tally.mostCommonFormat();
  if (top.length === 0) throw new InputError(`${options.logPath}: no page view to keep in ${tally.lines} lines${emptyWhy(tally, options)}`);
  for (const name of bodies.keys()) {
    if (!top.some((url) => url.name === name)) throw new InputError(`--body ${name}: no such group among the ${top.length} kept (${top.filter((u) => u.method !== 'GET').map((u) => u.name).join(', ') || 'all are GET'})`);
  }
  const listed = top.map((url) => ({ ...url, ...(bodies.has(url.name) ? { body: bodies.get(url.name)! } : {}) }));
  const unknownBodies = listed.filter((url) => BODY_METHODS.has(url.method) && url.body === undefined);
  const header = [
    `from ${options.logPath}: ${tally.lines} lines, the ${top.length} most asked page views by requests`,
    ...(unknownBodies.length > 0 ? [`a log has no request bodies, so these are sent empty until their lines get a body=...: ${unknownBodies.map((u) => u.name).join(', ')}`] : []),
    `run it: squall run ${options.out}`,
  ];
  writeFileSync(resolve(options.cwd, options.out), urlListText(listed, header, expectStatus ? { expectStatus } : {}));
  const kept = top.reduce((sum, u) => sum + u.weight, 0);
  options.print(`${counted(tally.lines, 'line')} read in ${((Date.now() - started) / 1000).toFixed(1)}s${format ? ` (${format} format)` : ''}: ${kept} requests in the ${top.length} page views kept${methodsOf(top)}`);
  if (tally.skippedCount > 0) options.print(`left out: ${[...tally.skipped.entries()].sort(([, a], [, b]) => b - a).map(([reason, n]) => reasonText(reason, n)).join(', ')}`);
  if (tally.malformedCount > 0) options.print(`${counted(tally.malformedCount, 'line')} in no access log format, e.g. line ${tally.malformed.join(', ')}`);
  if (unknownBodies.length > 0) options.print(`sent empty (a log has no bodies): ${unknownBodies.map((u) => u.name).join(', ')}; give one with --body '${unknownBodies[0]!.name}=...' or write body=... on its line`);
  options.print(`every view expects ${expectStatus ?? 'any status'}${expectStatus ? ' (--expect-status)' : ''}`);
  options.print(`wrote ${options.out}`);
}

/** `POST /api/cart={"id":1}`: the group and its body. */
function bodyOf(given: string): [string, string] {
  const eq = given.indexOf('=');
  const name = eq < 0 ? '' : given.slice(0, eq).trim();
  if (!/^[A-Z]+ \/\S*$/.test(name) || name.startsWith('GET ')) throw new InputError(`--body ${given}: expected "METHOD /path=body" with a group's name as the summary prints it, e.g. --body 'POST /api/cart={"id":1}'`);
  return [name, given.slice(eq + 1)];
}

function methodsOf(top: readonly WeightedUrl[]): string {
  const others = top.filter((u) => u.method !== 'GET');
  return others.length === 0 ? '' : ` (${others.length} not GET)`;
}

function emptyWhy(tally: LogTally, options: FromLogOptions): string {
  if (tally.malformedCount > 0 && tally.skippedCount === 0) return `: no line is an access log line (common, combined or Debian's vhost_combined), e.g. line ${tally.malformed.join(', ')}`;
  const otherFormat = tally.skipped.get('other format') ?? 0;
  if (otherFormat > 0) return `: ${counted(otherFormat, 'line is', 'lines are')} in ${tally.mostCommonFormat()} format, not ${options.format}; leave --format out to read them`;
  const reasons = [...tally.skipped.entries()].map(([reason, n]) => reasonText(reason, n)).join(', ');
  return reasons ? ` (left out: ${reasons})` : '';
}
