// squall urls spider: a crawl with a real headless browser, so links that
// scripts make count, never leaving the allowed origins and never loading what
// robots.txt disallows (every redirect hop and frame is checked before it is
// sent); a few tabs at once, each page read as soon as its network is quiet.
import { launchBrowser } from '../../agent/browser.js';
import { findBrowser } from '../../src/browser-path.js';
import { InputError } from '../../src/errors.js';
import type { Page } from 'puppeteer-core';
import { CrawlFrontier, type CrawlLimits, type Found } from '../../src/urls/crawl.js';
import { parseRobots, type RobotsRules } from '../../src/urls/robots.js';

export interface SpiderOptions extends Omit<CrawlLimits, 'origins'> {
  start: string;
  /** pages loading at once */
  concurrency: number;
  /** origins besides the start URL's */
  allowOrigins: readonly string[];
  obeyRobots: boolean;
  browserPath?: string;
  /** each page visited, as it is */
  progress: (line: string) => void;
}

export interface SpiderResult {
  pages: Array<{ url: string; status: number; depth: number }>;
  refused: CrawlFrontier['refused'];
  failed: number;
}

const PAGE_TIMEOUT_MS = 15_000;
/** Quiet: no request for this long after the load event (a script's timer that adds a link fires by then). */
const QUIET_MS = 150;
/** A page that never goes quiet (a poll, a stream) is read after this long. */
const QUIET_AT_MOST_MS = 3000;

export async function spider(options: SpiderOptions): Promise<SpiderResult> {
  const start = new URL(options.start);
  const origins = [start.origin, ...options.allowOrigins.map((o) => new URL(o).origin)];
  const robots = new Map<string, RobotsRules>();
  // The start origin's robots.txt is asked for even when not obeyed: an unreachable start URL fails there, in one line.
  for (const origin of origins) {
    if (origin !== start.origin && !options.obeyRobots) continue;
    const text = await robotsText(origin, origin === start.origin ? options.start : undefined);
    if (options.obeyRobots) robots.set(origin, parseRobots(text));
  }
  const frontier = new CrawlFrontier({ ...options, origins }, robots);
  if (!frontier.offer(start.href, 0)) throw new InputError(`${options.start}: robots.txt or --include/--exclude refuse the start URL itself`);
  const found = findBrowser(options.browserPath);
  if ('error' in found) throw new InputError(found.error);
  const chromium = await launchBrowser(found.path);
  const result: SpiderResult = { pages: [], refused: frontier.refused, failed: 0 };
  try {
    const pages = await Promise.all(Array.from({ length: options.concurrency }, () => chromium.browser.newPage()));
    const turns = new CrawlTurns(frontier);
    await Promise.all(pages.map((page) => crawlWith(page, turns, frontier, result, options)));
  } finally {
    await chromium.close();
  }
  return result;
}

/** Gives pages out to the crawling tabs; a tab with nothing to take waits while others may still find links. */
class CrawlTurns {
  private taken = 0;
  private loading = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly frontier: CrawlFrontier) {}

  /** The next page to visit, or undefined when the crawl is over. */
  async take(): Promise<Found | undefined> {
    for (;;) {
      const next = this.frontier.next(this.taken);
      if (next) {
        this.taken += 1;
        this.loading += 1;
        return next;
      }
      if (this.loading === 0) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** A page's links are in the frontier: tabs that waited look again. */
  done(): void {
    this.loading -= 1;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** One tab: visits what it is given until the crawl is over, never letting the browser load what the crawl may not. */
async function crawlWith(page: Page, turns: CrawlTurns, frontier: CrawlFrontier, result: SpiderResult, options: SpiderOptions): Promise<void> {
  let refusedHop: 'origin' | 'robots' | undefined;
  // Every hop of a redirect and every frame is a navigation request: checked before the browser sends it.
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const why = request.isNavigationRequest() ? frontier.refusal(request.url()) : undefined;
    if (why === undefined) return void request.continue().catch(() => {});
    if (request.frame() === page.mainFrame()) refusedHop = why;
    void request.abort('blockedbyclient').catch(() => {});
  });
  for (let next = await turns.take(); next; next = await turns.take()) {
    try {
      refusedHop = undefined;
      const status = await visit(page, next.url);
      if (status >= 400) {
        result.failed += 1;
        options.progress(`  ${status}     ${next.url}`);
        continue;
      }
      result.pages.push({ url: next.url, status, depth: next.depth });
      options.progress(`  ${status}     ${next.url}`);
      for (const link of await linksOf(page)) frontier.offer(link, next.depth + 1);
    } catch (error) {
      if (refusedHop) {
        frontier.refusedHop(refusedHop);
        options.progress(`  skipped ${next.url}: it redirects to ${refusedHop === 'robots' ? 'a path robots.txt disallows' : 'another origin'}`);
      } else {
        result.failed += 1;
        options.progress(`  failed  ${next.url}: ${(error as Error).message.split('\n')[0]}`);
      }
    } finally {
      turns.done();
    }
  }
}

/** Loads the page and waits until its network is quiet and its main thread idle (links that scripts add come by then); its status. */
async function visit(page: Page, url: string): Promise<number> {
  const response = await page.goto(url, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
  await page.waitForNetworkIdle({ idleTime: QUIET_MS, timeout: QUIET_AT_MOST_MS }).catch(() => {});
  // Quiet here is not quiet there: a renderer that a busy machine holds back may not yet have run a
  // timer its scripts set. So the page waits too: by its own clock until QUIET_MS after its load (its
  // timers due by then are due), then until its main thread is idle (they have run), or for a page
  // never idle, QUIET_AT_MOST_MS.
  await page
    .evaluate(
      (quietMs, atMostMs) => {
        const loaded = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventEnd ?? 0;
        const due = Math.max(0, loaded + quietMs - performance.now());
        return new Promise((resolve) => setTimeout(() => requestIdleCallback(resolve, { timeout: atMostMs }), due));
      },
      QUIET_MS,
      QUIET_AT_MOST_MS,
    )
    .catch(() => {});
  return response?.status() ?? 0;
}

/** The links of the page and of its frames, and the frames' own documents (a frameset's pages are pages too). */
async function linksOf(page: Page): Promise<string[]> {
  const links: string[] = [];
  for (const frame of page.frames()) {
    if (frame !== page.mainFrame()) links.push(frame.url());
    links.push(...(await frame.evaluate(() => Array.from(document.links, (link) => link.href)).catch(() => [])));
  }
  return links;
}

/** An origin's robots.txt, or none; `startUrl`: this is the start URL's origin, which must be reachable. */
async function robotsText(origin: string, startUrl?: string): Promise<string> {
  try {
    const response = await fetch(`${origin}/robots.txt`, { signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
    return response.ok ? await response.text() : '';
  } catch (error) {
    if (startUrl === undefined) return '';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new InputError(`${startUrl}: the start URL is not reachable (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
}
