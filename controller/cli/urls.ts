// squall urls <command>: URL lists made for you, to run with `squall run urls.txt`.
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Option, type Command } from 'commander';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { LogTally, type LogFormat } from '../../src/urls/access-log.js';
import { urlListText } from '../../src/urls/url-file.js';
import { allowOriginFlag, browserPathFlag, nonNegativeInt, positiveInt } from './flags.js';

interface FromLogFlags {
  format: LogFormat;
  top: number;
  methods: string;
  origin: string;
  out: string;
}

interface SpiderFlags {
  depth: number;
  max: number;
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
    .option('--include <regex>', 'follow only URLs this matches')
    .option('--exclude <regex>', 'never follow URLs this matches')
    .addOption(allowOriginFlag())
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
      io.out(`crawling ${startUrl} (depth ${flags.depth}, at most ${flags.max} pages${flags.robots ? ', obeying robots.txt' : ''})\n`);
      const { spider } = await import('../urls/spider.js');
      const result = await spider({
        start: startUrl,
        allowOrigins,
        maxDepth: flags.depth,
        maxPages: flags.max,
        ...(flags.include !== undefined ? { include: regex('--include', flags.include)! } : {}),
        ...(flags.exclude !== undefined ? { exclude: regex('--exclude', flags.exclude)! } : {}),
        obeyRobots: flags.robots,
        ...(flags.browserPath !== undefined ? { browserPath: flags.browserPath } : {}),
        progress: (line) => io.out(`${line}\n`),
      });
      if (result.pages.length === 0) throw new InputError(`${startUrl}: no page could be viewed (${result.failed} failed)`);
      const { origin, robots, filter } = result.refused;
      const header = [`crawled from ${startUrl}: ${result.pages.length} pages, depth ${flags.depth}`, `run it: squall run ${flags.out}`];
      writeFileSync(resolve(io.cwd, flags.out), urlListText(result.pages.map((p) => ({ url: p.url, name: '', weight: 1 })), header, 'round-robin'));
      io.out(`${result.pages.length} pages found, ${result.failed} failed; links not followed: ${origin} to other origins, ${robots} by robots.txt, ${filter} by --include/--exclude\nwrote ${flags.out}\n`);
    });
  urls
    .command('from-log')
    .description('count the requests of an NCSA access log (common or combined, gzip too) by normalised path and write a URL list weighted by them')
    .argument('<access-log>', 'the log file (.gz is read compressed)')
    .requiredOption('--origin <url>', 'the site the list will load, e.g. https://staging.example.com: the log has paths, the list needs URLs')
    .addOption(new Option('--format <format>', 'the log format').choices(['common', 'combined']).default('combined'))
    .option('--top <n>', 'keep the n most asked paths', positiveInt, 200)
    .option('--methods <list>', 'methods to keep, comma-separated', 'GET')
    .option('--out <file>', 'where to write the list', 'urls.txt')
    .addHelpText('after', '\nRequests that failed (4xx, 5xx) are not kept; malformed lines are counted and named, not fatal.\n\nExample:\n  squall urls from-log access.log.gz --origin https://staging.example.com --top 100 --out urls.txt')
    .action(async (logPath: string, flags: FromLogFlags) => {
      const origin = originOf(flags.origin, '--origin');
      const absolute = resolve(io.cwd, logPath);
      if (!existsSync(absolute) || !statSync(absolute).isFile()) throw new InputError(`${logPath}: no such log file`);
      const methods = flags.methods.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
      const tally = new LogTally({ format: flags.format, methods, origin });
      const started = Date.now();
      const raw = createReadStream(absolute);
      const input = absolute.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
      try {
        for await (const line of createInterface({ input, crlfDelay: Infinity })) tally.add(line);
      } catch (error) {
        throw new InputError(`${logPath}: could not be read: ${(error as Error).message}`);
      }
      const top = tally.top(flags.top);
      if (top.length === 0) throw new InputError(`${logPath}: no ${methods.join('/')} request that succeeded in ${tally.lines} lines (format ${flags.format}${tally.malformedCount > 0 ? `, ${tally.malformedCount} malformed` : ''})`);
      const out = resolve(io.cwd, flags.out);
      writeFileSync(out, urlListText(top, [`from ${logPath}: ${tally.lines} lines, the ${top.length} most asked paths by requests`, `run it: squall run ${flags.out}`]));
      const kept = top.reduce((sum, u) => sum + u.weight, 0);
      io.out(`${tally.lines} lines read in ${((Date.now() - started) / 1000).toFixed(1)}s: ${kept} requests in the ${top.length} paths kept, ${tally.skipped} other methods or failed\n`);
      if (tally.malformedCount > 0) {
        io.out(`${tally.malformedCount} malformed lines (not ${flags.format} log format), e.g. line ${tally.malformed.join(', ')}\n`);
      }
      io.out(`wrote ${flags.out}\n`);
    });
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
