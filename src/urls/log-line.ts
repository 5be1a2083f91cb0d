// One line of an NCSA access log, as web servers write them: Apache's and
// nginx's common and combined formats, and Debian's vhost_combined (the
// virtual host and port before the client). Pure. A line is either a request
// or the reason it is not one, so a tally can say what it left out and why.

export const LOG_FORMATS = ['auto', 'common', 'combined', 'vhost'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** What a line turned out to be written in. */
export type LineShape = Exclude<LogFormat, 'auto'> | 'vhost-common';

export interface LogRequest {
  method: string;
  /** path and query as asked (an absolute-URI request line: its path and query) */
  target: string;
  /** the status sent; 0 where the log says `000` (no response) */
  status: number;
  shape: LineShape;
}

/** Why a line that is a log line asks for nothing a list can view. */
export type NotARequest =
  | 'no request line' // `"-" 408`: the client connected and sent nothing before the timeout
  | 'no status' // `-`: the server logged no response
  | 'not a path'; // `OPTIONS *` (Apache's keep-alive pings), `CONNECT host:443`, garbage

export type ParsedLine = { request: LogRequest } | { notARequest: NotARequest; shape: LineShape } | { malformed: true };

// A quoted field: Apache writes a " inside one as \", a \ as \\.
const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
// [vhost:port ]host ident authuser [date] "request" status bytes [ "referer" "agent" ...]
const LINE = new RegExp(String.raw`^(?:(\S+:\d+) )?\S+ \S+ \S+ \[[^\]]+\] ${QUOTED} (\d{3}|-) (?:\d+|-)(?: ${QUOTED} ${QUOTED})?(?: |$)`);

export function parseLogLine(line: string): ParsedLine {
  const match = LINE.exec(line);
  if (!match) return { malformed: true };
  const vhost = match[1] !== undefined;
  const combined = match[4] !== undefined;
  const shape: LineShape = vhost ? (combined ? 'vhost' : 'vhost-common') : combined ? 'combined' : 'common';
  const requestLine = match[2]!.replace(/\\(.)/g, '$1');
  if (match[3] === '-') return { notARequest: 'no status', shape };
  if (requestLine === '-' || requestLine === '') return { notARequest: 'no request line', shape };
  const [method, rawTarget] = requestLine.split(' ');
  const target = rawTarget === undefined ? undefined : pathAndQuery(rawTarget);
  if (!/^[A-Z]+$/.test(method!) || target === undefined) return { notARequest: 'not a path', shape };
  return { request: { method: method!, target, status: Number(match[3]), shape } };
}

/** `/a?b` as it stands; `http://host/a?b` as `/a?b`; anything else (`*`, `host:443`) is no path. */
function pathAndQuery(target: string): string | undefined {
  if (target.startsWith('/')) return target;
  if (!/^https?:\/\//i.test(target)) return undefined;
  const afterHost = target.indexOf('/', target.indexOf('//') + 2);
  return afterHost < 0 ? '/' : target.slice(afterHost);
}

/** Whether a line of this shape is one the format asked for. `auto` takes every shape. */
export function shapeFits(format: LogFormat, shape: LineShape): boolean {
  if (format === 'auto') return true;
  if (format === 'vhost') return shape === 'vhost' || shape === 'vhost-common';
  // A combined log's line without referer and agent is still a common line of it: nginx and Apache mix them in one file.
  return format === 'combined' ? shape === 'combined' || shape === 'common' : shape === 'common';
}

/** The format most lines of a sample are in, for the hint when a forced format refuses them. */
export function formatOfShape(shape: LineShape): Exclude<LogFormat, 'auto'> {
  return shape === 'vhost-common' ? 'vhost' : shape;
}
