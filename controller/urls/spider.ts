// squall urls spider: a crawl with a real headless browser, so links that
// scripts make count, never leaving the allowed origins; writes a URL list.
import { launchBrowser } from '../../agent/browser.js';
import { findBrowser } from '../../src/browser-path.js';
import { InputError } from '../../src/errors.js';
import { CrawlFrontier, type CrawlLimits } from '../../src/urls/crawl.js';
import { parseRobots, type RobotsRules } from '../../src/urls/robots.js';

export interface SpiderOptions extends Omit<CrawlLimits, 'origins'> {
  start: string;
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
    const page = await chromium.browser.newPage();
    for (let next = frontier.next(0); next; next = frontier.next(result.pages.length)) {
      let status = 0;
      try {
        const response = await page.goto(next.url, { waitUntil: 'networkidle0', timeout: PAGE_TIMEOUT_MS });
        status = response?.status() ?? 0;
      } catch (error) {
        result.failed += 1;
        options.progress(`  failed  ${next.url}: ${(error as Error).message.split('\n')[0]}`);
        continue;
      }
      // A page that redirected away from the allowed origins is not followed further, nor listed.
      if (!origins.includes(new URL(page.url()).origin)) continue;
      if (status >= 400) {
        result.failed += 1;
        options.progress(`  ${status}     ${next.url}`);
        continue;
      }
      result.pages.push({ url: next.url, status, depth: next.depth });
      options.progress(`  ${status}     ${next.url}`);
      const links = await page.evaluate(() => Array.from(document.links, (link) => link.href));
      for (const link of links) frontier.offer(link, next.depth + 1);
    }
  } finally {
    await chromium.close();
  }
  return result;
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
