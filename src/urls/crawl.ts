// What a crawl may visit: only the allowed origins, what robots.txt allows,
// what --include matches and --exclude does not, within a depth and a count.
// Pure; the spider (controller/urls/spider.ts) drives the browser.
import type { RobotsRules } from './robots.js';

export interface CrawlLimits {
  origins: readonly string[];
  maxDepth: number;
  maxPages: number;
  include?: RegExp;
  exclude?: RegExp;
}

export interface Found {
  url: string;
  depth: number;
}

export class CrawlFrontier {
  private readonly seen = new Set<string>();
  private readonly queue: Found[] = [];
  /** links not followed, by why: another origin, robots.txt, --include/--exclude */
  readonly refused = { origin: 0, robots: 0, filter: 0 };

  constructor(
    private readonly limits: CrawlLimits,
    private readonly robots: ReadonlyMap<string, RobotsRules>,
  ) {}

  /** A link found on a page at `depth - 1`; returns whether it was queued. */
  offer(raw: string, depth: number): boolean {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    url.hash = '';
    const key = url.href;
    if (this.seen.has(key) || depth > this.limits.maxDepth) return false;
    this.seen.add(key);
    const why = this.whyNot(url);
    if (why) return this.refuse(why);
    if ((this.limits.include && !this.limits.include.test(key)) || this.limits.exclude?.test(key)) return this.refuse('filter');
    this.queue.push({ url: key, depth });
    return true;
  }

  /** The next page to visit, breadth first, or none once the queue or the page budget is spent. */
  next(taken: number): Found | undefined {
    return taken < this.limits.maxPages ? this.queue.shift() : undefined;
  }

  /** Why the browser may not load `raw` (a redirect's hop, a frame): another origin, or robots.txt; undefined when it may. */
  refusal(raw: string): 'origin' | 'robots' | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return this.whyNot(url);
  }

  /** A page not listed because a hop of its redirects went where `refusal` says it may not. */
  refusedHop(why: 'origin' | 'robots'): void {
    this.refuse(why);
  }

  private whyNot(url: URL): 'origin' | 'robots' | undefined {
    if (!this.limits.origins.includes(url.origin)) return 'origin';
    if (this.robots.get(url.origin)?.allowed(url.pathname + url.search) === false) return 'robots';
    return undefined;
  }

  private refuse(why: keyof CrawlFrontier['refused']): false {
    this.refused[why] += 1;
    return false;
  }
}
