// squall urls <command>: URL lists made for you, to run with `squall run urls.txt`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { LOG_FORMATS, type LogFormat } from '../../src/urls/access-log.js';
import { urlListText } from '../../src/urls/url-file.js';
import { allowOriginFlag, browserPathFlag, nonNegativeInt, positiveInt } from './flags.js';

interface FromLogFlags {
  format: LogFormat;
  top: number;
  methods: string;
  origin: string;
  assets?: boolean;
  downloads?: boolean;
  expectStatus: string;
  body?: string[];
  out: string;
}

interface SpiderFlags {
  depth: number;
  max: number;
  concurrency: number;
  include?: string;
  exclude?: string;
  allowOrigin?: string[];
  robots: boolean;
  browserPath?: string;
  out: string;
}

export function registerUrls(program: Command, io: Io): void {
  const urls = program.command('urls').description('make URL lists (for squall run urls.txt) from a site or its logs');
  urls
    .command('spider')
    .description("crawl a site with a real headless browser (links that scripts make count) and write its pages as a URL list; never leaves the start URL's origin")
    .argument('<start-url>', 'where the crawl begins, e.g. https://staging.example.com/')
    .option('--depth <n>', 'links followed from the start page, at most', nonNegativeInt, 3)
    .option('--max <n>', 'pages visited, at most', positiveInt, 500)
    .option('--concurrency <n>', 'pages loading at once', positiveInt, 4)
    .option('--include <regex>', 'follow only URLs this matches')
    .option('--exclude <regex>', 'never follow URLs this matches')
    .addOption(allowOriginFlag("another origin the crawl may follow links to, besides the start URL's (repeatable)"))
    .option('--no-robots', "ignore the site's robots.txt (it is obeyed by default)")
    .addOption(browserPathFlag())
    .option('--out <file>', 'where to write the list', 'urls.txt')
    .action(async (start: string, flags: SpiderFlags) => {
      const startUrl = originOf(start, 'the start URL') && start;
      const regex = (flag: string, text: string | undefined) => {
        if (text === undefined) return undefined;
        try {
          return new RegExp(text);
        } catch (error) {
          throw new InputError(`${flag} ${text}: ${(error as Error).message}`);
        }
      };
      const allowOrigins = (flags.allowOrigin ?? []).map((o) => originOf(o, '--allow-origin'));
      io.out(`crawling ${startUrl} (depth ${flags.depth}, at most ${flags.max} pages, ${flags.concurrency} at once${flags.robots ? ', obeying robots.txt' : ''})\n`);
      const { spider } = await import('../urls/spider.js');
      const result = await spider({
        start: startUrl,
        allowOrigins,
        maxDepth: flags.depth,
        maxPages: flags.max,
        concurrency: flags.concurrency,
        ...(flags.include !== undefined ? { include: regex('--include', flags.include)! } : {}),
        ...(flags.exclude !== undefined ? { exclude: regex('--exclude', flags.exclude)! } : {}),
        obeyRobots: flags.robots,
        ...(flags.browserPath !== undefined ? { browserPath: flags.browserPath } : {}),
        progress: (line) => io.out(`${line}\n`),
      });
      if (result.pages.length === 0) throw new InputError(`${startUrl}: no page could be viewed (${result.failed} failed)`);
      const { origin, robots, filter } = result.refused;
      const header = [`crawled from ${startUrl}: ${result.pages.length} pages, depth ${flags.depth}`, `run it: squall run ${flags.out}`];
      writeFileSync(resolve(io.cwd, flags.out), urlListText(result.pages.map((p) => ({ url: p.url, name: '', weight: 1 })), header, { strategy: 'round-robin' }));
      io.out(`${result.pages.length} pages found, ${result.failed} failed; links not followed: ${origin} to other origins, ${robots} by robots.txt, ${filter} by --include/--exclude\nwrote ${flags.out}\n`);
    });
  urls
    .command('from-log')
    .description('turn an access log (common, combined or vhost_combined; gzip too) into a URL list of the page views users asked for, weighted by their requests, methods kept')
    .argument('<access-log>', 'the log file (.gz is read compressed)')
    .requiredOption('--origin <url>', 'where the list sends load, e.g. https://staging.example.com (a path is kept: https://host/app puts /x at https://host/app/x)')
    .addOption(new Option('--format <format>', 'the log format; auto reads all three, line by line').choices([...LOG_FORMATS]).default('auto'))
    .option('--top <n>', 'keep the n most asked page views', positiveInt, 200)
    .option('--methods <list>', 'methods to keep, comma-separated (non-GET lines keep their method)', 'GET')
    .option('--assets', 'keep images, scripts, styles, fonts and media (a browser loads them with each page by itself)')
    .option('--downloads', 'keep files a browser downloads instead of showing (.pdf, .zip, .exe, ...; a navigation to one fails with net::ERR_ABORTED)')
    .option('--expect-status <list>', 'statuses every view must answer with: codes and classes, comma-separated, or "any"', '2xx,3xx')
    .option('--body <group=body>', 'a body for a non-GET group, named as the summary prints it, e.g. \'POST /api/cart={"id":1}\' (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--out <file>', 'where to write the list', 'urls.txt')
    .addHelpText(
      'after',
      `
Lines that ask for nothing a page view can repeat are left out and counted by reason:
failed requests (4xx, 5xx, 000), assets and downloads (unless kept), other methods,
timeouts without a request line ("-" 408), OPTIONS *, a status of -. Lines that are
not access log lines are counted and the first few named; neither is fatal.
A log has no request bodies: a POST is sent empty unless --body gives one.

Example:
  squall urls from-log access.log.gz --origin https://staging.example.com --top 100 --methods GET,POST --out urls.txt`,
    )
    .action(async (logPath: string, flags: FromLogFlags) => {
      const base = baseOf(flags.origin, '--origin');
      const methods = flags.methods.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
      const { listFromLog } = await import('../urls/from-log.js');
      await listFromLog({
        logPath,
        cwd: io.cwd,
        format: flags.format,
        methods,
        base,
        top: flags.top,
        assets: flags.assets === true,
        downloads: flags.downloads === true,
        expectStatus: flags.expectStatus,
        bodies: flags.body ?? [],
        out: flags.out,
        print: (line) => io.out(`${line}\n`),
      });
    });
}

/** An origin, and its path without the trailing slash when it has one beyond `/`. */
function baseOf(text: string, what: string): string {
  const origin = originOf(text, what);
  const path = new URL(text).pathname.replace(/\/+$/, '');
  return `${origin}${path}`;
}

function originOf(text: string, what: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // said below
  }
  throw new InputError(`${what} ${text}: expected an http or https URL such as https://staging.example.com`);
}
