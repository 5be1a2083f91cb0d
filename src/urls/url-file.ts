// The URL list text format: one request per line, options as "# key: value"
// lines before the first URL. Pure; every mistake names the file and line.
//
//   # strategy: random            random (weighted) | round-robin (default) | sequence
//   # wait: networkidle           load (default) | networkidle | selector <css>
//   # expect-status: 2xx,3xx      for every line without its own expect-status=
//   https://shop.example/                        name=home
//   https://shop.example/product/42  weight=3    expect-status=200 expect-text="Add to cart"
//   POST https://shop.example/api/cart  body={"id":42}  expect-status=201
import { InputError } from '../errors.js';
import { normalisedUrl, pathOf } from '../metrics/url-label.js';
import { STATUS_CLASSES, URL_STRATEGIES, type UrlExpectation, type UrlLine, type UrlList, type UrlStrategy, type UrlWait } from '../protocol/urls.js';
import { maxOf } from '../max-of.js';

const DIRECTIVE = /^#\s*(strategy|wait|expect-status)\s*:\s*(.*)$/i;
const METHOD = /^[A-Z]+$/;
const LINE_FIELDS = ['name', 'weight', 'wait', 'body', 'expect-status', 'expect-text', 'expect-regex', 'expect-selector'];

/**
 * The origins a list may send load to: its first URL's and those given
 * (--allow-origin adds to it); a typo must not send load to a stranger's site.
 */
export class OriginGuard {
  readonly origins: string[] = [];
  private readonly given: string[];

  /** `first`: what the first URL is called in messages ("the first line's", "the first navigation's") */
  constructor(
    file: string,
    allowed: readonly string[],
    private readonly first = "the first line's",
  ) {
    this.given = allowed.map((origin) => originOf(origin, `${file}: --allow-origin ${origin}`));
  }

  /** `refused`: how the message says the URL's origin is not allowed */
  check(url: string, at: string, refused = (origin: string) => `${origin} is not an allowed origin`): void {
    const origin = new URL(url).origin;
    if (this.origins.length === 0) this.origins.push(origin, ...this.given.filter((given) => given !== origin));
    if (this.origins.includes(origin)) return;
    const given = `${this.first} is ${this.origins[0]}${this.given.length > 0 ? `, --allow-origin adds ${this.given.join(', ')}` : ''}`;
    throw new InputError(`${at}: ${refused(origin)} (${given}); add --allow-origin ${origin} if the load is meant for it`);
  }
}

/** `allowedOrigins`: --allow-origin, origins besides the first line's. */
export function parseUrlFile(text: string, file: string, allowedOrigins: readonly string[] = []): UrlList {
  let strategy: UrlStrategy = 'round-robin';
  let wait: UrlWait = { kind: 'load' };
  let status: UrlExpectation['status'];
  const lines: UrlLine[] = [];
  const guard = new OriginGuard(file, allowedOrigins);
  text.split(/\r?\n/).forEach((raw, index) => {
    const at = `${file}:${index + 1}`;
    const line = raw.trim();
    if (line === '') return;
    const directive = DIRECTIVE.exec(line);
    if (directive) {
      if (lines.length > 0) throw new InputError(`${at}: "# ${directive[1]}:" must come before the first URL`);
      const kind = directive[1]!.toLowerCase();
      if (kind === 'strategy') strategy = strategyOf(directive[2]!.trim(), at);
      else if (kind === 'wait') wait = waitOf(directive[2]!.trim(), at);
      else status = statusesOf(directive[2]!.trim(), `${at}: # expect-status: ${directive[2]!.trim()}`);
      return;
    }
    if (line.startsWith('#')) return;
    const parsed = parseUrlLine(line, index + 1, at);
    if (status && parsed.expect.status === undefined) parsed.expect.status = status;
    guard.check(parsed.url, at);
    lines.push(parsed);
  });
  if (lines.length === 0) throw new InputError(`${file}: no URL in the file; expected one per line, e.g. https://shop.example/`);
  return { file, strategy, wait, lines, origins: guard.origins };
}

export function strategyOf(text: string, at: string): UrlStrategy {
  if ((URL_STRATEGIES as readonly string[]).includes(text)) return text as UrlStrategy;
  throw new InputError(`${at}: unknown strategy "${text}"; expected ${URL_STRATEGIES.join(', ')}`);
}

export function waitOf(text: string, at: string): UrlWait {
  if (text === 'load' || text === 'networkidle') return { kind: text };
  const selector = /^selector[\s:]+(.+)$/.exec(text);
  if (selector) return { kind: 'selector', selector: selector[1]!.trim() };
  throw new InputError(`${at}: wait "${text}": expected load, networkidle or selector <css>`);
}

/** One line of the text format: `[METHOD] URL key=value ...`. */
export function parseUrlLine(line: string, number: number, at: string): UrlLine {
  const tokens = tokenize(line, at);
  let method = 'GET';
  if (METHOD.test(tokens[0]!)) method = tokens.shift()!;
  const url = tokens.shift();
  if (url === undefined) throw new InputError(`${at}: ${method} without a URL`);
  originOf(url, at);
  const fields = new Map<string, string>();
  for (const token of tokens) {
    const eq = token.indexOf('=');
    const key = eq > 0 ? token.slice(0, eq) : token;
    if (eq <= 0 || !LINE_FIELDS.includes(key)) throw new InputError(`${at}: "${token}": expected key=value with a key of ${LINE_FIELDS.join(', ')}`);
    fields.set(key, token.slice(eq + 1));
  }
  return urlLineOf(method, url, fields, number, at);
}

/** A line from its method, URL and fields (the text format's keys), whichever format they came in. */
export function urlLineOf(method: string, url: string, fields: ReadonlyMap<string, string>, number: number, at: string): UrlLine {
  if (!METHOD.test(method)) throw new InputError(`${at}: method "${method}": expected one such as GET or POST`);
  originOf(url, at);
  const unknown = [...fields.keys()].find((key) => !LINE_FIELDS.includes(key));
  if (unknown) throw new InputError(`${at}: "${unknown}": expected a key of ${LINE_FIELDS.join(', ')}`);
  const weightText = fields.get('weight');
  const weight = weightText === undefined ? 1 : Number(weightText);
  if (!Number.isFinite(weight) || weight <= 0) throw new InputError(`${at}: weight=${weightText}: expected a number above 0`);
  const body = fields.get('body');
  if (body !== undefined && method === 'GET') throw new InputError(`${at}: body= needs a method other than GET, e.g. POST ${url} body=...`);
  const waitText = fields.get('wait');
  return {
    line: number,
    url,
    method,
    ...(body !== undefined ? { body } : {}),
    name: fields.get('name') || defaultName(url),
    weight,
    ...(waitText !== undefined ? { wait: waitOf(waitText, at) } : {}),
    expect: expectationOf(fields, at),
  };
}

function expectationOf(fields: ReadonlyMap<string, string>, at: string): UrlExpectation {
  const expect: UrlExpectation = {};
  const status = fields.get('expect-status');
  if (status !== undefined) expect.status = statusesOf(status, `${at}: expect-status=${status}`);
  const text = fields.get('expect-text');
  if (text !== undefined) {
    if (text === '') throw new InputError(`${at}: expect-text=: expected the text, e.g. expect-text="Add to cart"`);
    expect.text = text;
  }
  const regex = fields.get('expect-regex');
  if (regex !== undefined) {
    const slashed = /^\/(.+)\/([a-z]*)$/.exec(regex);
    const source = slashed ? slashed[1]! : regex;
    const flags = slashed ? slashed[2]! : '';
    try {
      new RegExp(source, flags);
    } catch (error) {
      throw new InputError(`${at}: expect-regex=${regex}: ${(error as Error).message}`);
    }
    expect.regex = { source, flags };
  }
  const selector = fields.get('expect-selector');
  if (selector !== undefined) {
    if (selector === '') throw new InputError(`${at}: expect-selector=: expected a CSS selector`);
    expect.selector = selector;
  }
  return expect;
}

/** `200`, `2xx,3xx`, `200,301`: the statuses a response may have. */
export function statusesOf(text: string, at: string): NonNullable<UrlExpectation['status']> {
  const parts = text.split(',').map((part) => part.trim().toLowerCase());
  return parts.map((part) => {
    if ((STATUS_CLASSES as readonly string[]).includes(part)) return part as (typeof STATUS_CLASSES)[number];
    const code = Number(part);
    if (part === '' || !Number.isInteger(code) || code < 100 || code > 599) throw new InputError(`${at}: expected HTTP statuses or classes, comma-separated, such as 200 or 2xx,3xx`);
    return code;
  });
}

/**
 * Words split on blanks. A value that starts with a double quote runs to the
 * next one, blanks and all (expect-text="Add to cart"); a quote inside a value
 * is itself (body={"id":42}); \\" is a quote anywhere.
 */
function tokenize(line: string, at: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    const valueStart = current === '' || (current.endsWith('=') && current.indexOf('=') === current.length - 1);
    if (char === '\\' && line[i + 1] === '"') {
      current += '"';
      started = true;
      i += 1;
    } else if (char === '"' && (quoted || valueStart)) {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(char)) {
      if (started) tokens.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quoted) throw new InputError(`${at}: a " is not closed`);
  if (started) tokens.push(current);
  return tokens;
}

function originOf(url: string, at: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`${at}: "${url}" is not a URL; expected one such as https://shop.example/`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InputError(`${at}: "${url}": expected an http or https URL`);
  return parsed.origin;
}

/** "/product/:id" for https://shop.example/product/42 */
function defaultName(url: string): string {
  return pathOf(normalisedUrl(url)) || '/';
}

/** A URL to write into a list; without a name it is named by its path when run. */
export interface ListedUrl {
  url: string;
  name: string;
  weight: number;
  /** GET when not given */
  method?: string;
  body?: string;
}

export interface ListTextOptions {
  strategy?: 'random' | 'round-robin';
  /** the list's `# expect-status:` */
  expectStatus?: string;
}

/** The URL list text for these URLs, with a header saying where it came from: what parseUrlFile reads. */
export function urlListText(urls: readonly ListedUrl[], header: readonly string[], options: ListTextOptions = {}): string {
  const strategy = options.strategy ?? 'random';
  const target = (u: ListedUrl) => (u.method && u.method !== 'GET' ? `${u.method} ${u.url}` : u.url);
  const width = maxOf(urls.map((u) => target(u).length));
  const lines = urls.map((u) =>
    [
      target(u).padEnd(width),
      ...(strategy === 'random' ? [`weight=${u.weight}`] : []),
      ...(u.name ? [`name=${quoteIfNeeded(u.name)}`] : []),
      ...(u.body !== undefined ? [`body=${quoteIfNeeded(u.body)}`] : []),
    ].join('  ').trimEnd(),
  );
  const directives = [`# strategy: ${strategy}`, ...(options.expectStatus ? [`# expect-status: ${options.expectStatus}`] : [])];
  return [...header.map((line) => `# ${line}`), ...directives, ...lines].join('\n') + '\n';
}

function quoteIfNeeded(value: string): string {
  return /[\s"]/.test(value) || value === '' ? `"${value.replace(/"/g, '\\"')}"` : value;
}
