// Weighted URL lists from access logs: each request's path normalised and
// counted by method, the most asked first. A log holds what browsers asked
// for, and a browser asks for a page's assets itself: by default only page
// views are kept, and everything left out is counted by reason. Pure: the
// command streams the file's lines in.
import { normalisedUrl, pathOf } from '../metrics/url-label.js';
import { formatOfShape, parseLogLine, shapeFits, type LineShape, type LogFormat } from './log-line.js';

export { LOG_FORMATS, type LogFormat } from './log-line.js';

// What a page loads by itself: replayed as page views they double and measure nothing a user sees.
const ASSET = /\.(css|js|mjs|map|png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?|woff2?|ttf|otf|eot|mp4|webm|ogg|ogv|mp3|wav|m4a|mov)$/i;
// What a browser downloads instead of showing: a navigation to it fails the step with net::ERR_ABORTED.
const DOWNLOAD = /\.(pdf|zip|gz|tgz|tar|bz2|xz|7z|rar|jar|war|exe|msi|dmg|pkg|iso|img|deb|rpm|apk|docx?|xlsx?|pptx?|odt|ods|csv|bin)$/i;

export type SkipReason =
  | 'asset' | 'download' | 'method' | 'failed' | 'no response' | 'no status' | 'no request line' | 'not a path' | 'other format';

export interface LogTallyOptions {
  format: LogFormat;
  /** methods kept (default GET) */
  methods: readonly string[];
  /** where the list will send load: an origin, or an origin and a path prefix the log's paths go under */
  base: string;
  /** keep images, scripts, styles, fonts and media */
  assets?: boolean;
  /** keep files a browser downloads rather than shows */
  downloads?: boolean;
}

/** A URL to ask for, the requests of its group in the log, and the group's name (method and normalised path). */
export interface WeightedUrl {
  method: string;
  url: string;
  name: string;
  weight: number;
}

interface Group {
  method: string;
  count: number;
  targets: Map<string, number>;
}

/** Counts a log's requests by method and normalised path; says what it left out, by reason. */
export class LogTally {
  readonly malformed: number[] = [];
  malformedCount = 0;
  lines = 0;
  readonly skipped = new Map<SkipReason, number>();
  /** lines by the format they are in, for the summary and the hint when a forced format refuses them */
  readonly shapes = new Map<LineShape, number>();
  private readonly groups = new Map<string, Group>();
  private readonly base: string;

  constructor(private readonly options: LogTallyOptions) {
    this.base = options.base.replace(/\/+$/, '');
  }

  get skippedCount(): number {
    return [...this.skipped.values()].reduce((sum, n) => sum + n, 0);
  }

  add(line: string): void {
    this.lines += 1;
    if (line.trim() === '') return;
    const parsed = parseLogLine(line);
    if ('malformed' in parsed) {
      this.malformedCount += 1;
      if (this.malformed.length < 5) this.malformed.push(this.lines);
      return;
    }
    const shape = 'request' in parsed ? parsed.request.shape : parsed.shape;
    this.shapes.set(shape, (this.shapes.get(shape) ?? 0) + 1);
    if (!shapeFits(this.options.format, shape)) return this.skip('other format');
    if ('notARequest' in parsed) return this.skip(parsed.notARequest);
    const request = parsed.request;
    const reason = this.reasonToSkip(request.method, request.target, request.status);
    if (reason) return this.skip(reason);
    const path = pathOf(normalisedUrl(`http://x${request.target}`)) || '/';
    const name = request.method === 'GET' ? path : `${request.method} ${path}`;
    const group = this.groups.get(name) ?? { method: request.method, count: 0, targets: new Map<string, number>() };
    group.count += 1;
    // Ids collapse into one group; the list asks for the path users asked for most within it, without its query.
    // A list line is blank-separated and goes to terminals: what a log may hold raw there is escaped.
    const target = request.target.split('?')[0]!.replace(/[\s"\x00-\x1f\x7f]/g, (char) => encodeURIComponent(char));
    group.targets.set(target, (group.targets.get(target) ?? 0) + 1);
    this.groups.set(name, group);
  }

  /** The `top` groups by requests, most first (ties by name). */
  top(top: number): WeightedUrl[] {
    return [...this.groups.entries()]
      .sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b))
      .slice(0, top)
      .map(([name, group]) => {
        const [target] = [...group.targets.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]!;
        return { method: group.method, url: `${this.base}${target}`, name, weight: group.count };
      });
  }

  /** The format most lines were in; undefined before any log line. */
  mostCommonFormat(): Exclude<LogFormat, 'auto'> | undefined {
    const [shape] = [...this.shapes.entries()].sort(([, a], [, b]) => b - a)[0] ?? [];
    return shape === undefined ? undefined : formatOfShape(shape);
  }

  private reasonToSkip(method: string, target: string, status: number): SkipReason | undefined {
    if (!this.options.methods.includes(method)) return 'method';
    // 000: the client went away before any answer; 4xx, 5xx: what failed for real users is not what a list should ask for.
    if (status === 0) return 'no response';
    if (status >= 400) return 'failed';
    const path = target.split('?')[0]!;
    if (!this.options.downloads && (DOWNLOAD.test(path) || status === 206)) return 'download';
    if (!this.options.assets && ASSET.test(path)) return 'asset';
    return undefined;
  }

  private skip(reason: SkipReason): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }
}
