// squall urls <command>: URL lists made for you, to run with `squall run urls.txt`.
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Option, type Command } from 'commander';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { LogTally, urlListText, type LogFormat } from '../../src/urls/access-log.js';
import { positiveInt } from './flags.js';

interface FromLogFlags {
  format: LogFormat;
  top: number;
  methods: string;
  origin: string;
  out: string;
}

export function registerUrls(program: Command, io: Io): void {
  const urls = program.command('urls').description('make URL lists (for squall run urls.txt) from real traffic');
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
      const origin = originOf(flags.origin);
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

function originOf(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // said below
  }
  throw new InputError(`--origin ${text}: expected an http or https origin such as https://staging.example.com`);
}
