// Weighted URL lists from NCSA access logs (common or combined): each request
// line parsed, its path normalised, counted; the most asked first. Pure: the
// command streams the file's lines in.
import { normalisedUrl, pathOf } from '../metrics/url-label.js';

export type LogFormat = 'common' | 'combined';

// host ident authuser [date] "METHOD target PROTOCOL" status bytes ["referer" "agent"]
const COMMON = /^\S+ \S+ \S+ \[[^\]]+\] "([A-Z]+) (\S+)(?: [^"]*)?" (\d{3}) (\d+|-)/;
const COMBINED = /^\S+ \S+ \S+ \[[^\]]+\] "([A-Z]+) (\S+)(?: [^"]*)?" (\d{3}) (\d+|-) "[^"]*" "[^"]*"/;

export interface LogRequest {
  method: string;
  /** path and query as asked */
  target: string;
  status: number;
}

export function parseLogLine(line: string, format: LogFormat): LogRequest | undefined {
  const match = (format === 'combined' ? COMBINED : COMMON).exec(line);
  if (!match || !match[2]!.startsWith('/')) return undefined;
  return { method: match[1]!, target: match[2]!, status: Number(match[3]) };
}

export interface LogTallyOptions {
  format: LogFormat;
  /** methods kept (default GET) */
  methods: readonly string[];
  /** the site the list will send load to: paths are made URLs on it */
  origin: string;
}

/** A URL to view, the requests of its group in the log, and the group's name (its normalised path). */
export interface WeightedUrl {
  url: string;
  name: string;
  weight: number;
}

/** Counts a log's requests by normalised path; remembers the first few malformed lines. */
export class LogTally {
  readonly malformed: number[] = [];
  malformedCount = 0;
  lines = 0;
  skipped = 0;
  private readonly groups = new Map<string, { count: number; targets: Map<string, number> }>();

  constructor(private readonly options: LogTallyOptions) {}

  add(line: string): void {
    this.lines += 1;
    if (line.trim() === '') return;
    const request = parseLogLine(line, this.options.format);
    if (!request) {
      this.malformedCount += 1;
      if (this.malformed.length < 5) this.malformed.push(this.lines);
      return;
    }
    // What failed or redirected for real users is not what a list should ask for.
    if (!this.options.methods.includes(request.method) || request.status >= 400) {
      this.skipped += 1;
      return;
    }
    const name = pathOf(normalisedUrl(`${this.options.origin}${request.target}`)) || '/';
    const group = this.groups.get(name) ?? { count: 0, targets: new Map<string, number>() };
    group.count += 1;
    // Ids collapse into one group; the list views the path users asked for most within it, without its query.
    const path = request.target.split('?')[0]!;
    group.targets.set(path, (group.targets.get(path) ?? 0) + 1);
    this.groups.set(name, group);
  }

  /** The `top` groups by requests, most first (ties by name). */
  top(top: number): WeightedUrl[] {
    return [...this.groups.entries()]
      .sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b))
      .slice(0, top)
      .map(([name, group]) => {
        const [path] = [...group.targets.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]!;
        return { url: `${this.options.origin}${path}`, name, weight: group.count };
      });
  }
}
