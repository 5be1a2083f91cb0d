// squall urls from-log on a generated 100,000-line access log, plain and
// gzipped: the weights it writes are the log's own counts, and bad input is
// one line. Then logs with the shapes real servers write (test/harness/log-site.ts),
// and a run of the list made from one against the site it came from.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/protocol/report.js';
import { parseUrlFile } from '../../src/urls/url-file.js';
import { runCli } from '../harness/cli.js';
import { generateLog, startLogSite, type LogSite } from '../harness/log-site.js';

const PATHS = ['/', '/product/1', '/product/7', '/search?q=tea', '/cart', '/about'];

describe('squall urls from-log', () => {
  let dir: string;
  const expected = new Map<string, number>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'squall-from-log-'));
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i += 1) {
      const path = PATHS[(i * 7919) % 97 < 50 ? 0 : ((i * 31) % (PATHS.length - 1)) + 1]!;
      const failed = i % 101 === 0;
      lines.push(`10.1.${i % 250}.9 - - [03/Dec/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${failed ? 503 : 200} 512 "-" "Mozilla/5.0"`);
      if (!failed) {
        const name = path.startsWith('/product/') ? '/product/:id' : path.split('?')[0]!;
        expected.set(name, (expected.get(name) ?? 0) + 1);
      }
      if (i % 25_000 === 3) lines.push('this is not a log line');
    }
    const text = lines.join('\n') + '\n';
    writeFileSync(join(dir, 'access.log'), text);
    writeFileSync(join(dir, 'access.log.gz'), gzipSync(text));
  });

  for (const file of ['access.log', 'access.log.gz']) {
    it(`writes the log's own counts as weights (${file})`, async () => {
      const out = join(dir, `${file}.urls.txt`);
      const result = await runCli(['urls', 'from-log', join(dir, file), '--origin', 'https://shop.example', '--out', out]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^100004 lines read in [\d.]+s \(combined format\): \d+ requests in the 5 page views kept\nleft out: 991 failed requests \(4xx, 5xx\)\n4 lines in no access log format, e\.g\. line 5, 25006, 50007, 75008\n/);
      const list = parseUrlFile(readFileSync(out, 'utf8'), out);
      expect(new Map(list.lines.map((l) => [l.name, l.weight]))).toEqual(expected);
      expect(list.lines.map((l) => l.weight)).toEqual([...list.lines.map((l) => l.weight)].sort((a, b) => b - a));
    }, 60_000);
  }

  it('refuses a missing log and an origin that is not one: exit 2, one line', async () => {
    const missing = await runCli(['urls', 'from-log', join(dir, 'nope.log'), '--origin', 'https://shop.example']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^squall: .*nope\.log: no such log file$/);
    const origin = await runCli(['urls', 'from-log', join(dir, 'access.log'), '--origin', 'shop.example']);
    expect(origin.code).toBe(2);
    expect(origin.stderr.trim()).toBe('squall: --origin shop.example: expected an http or https URL such as https://staging.example.com');
  });
});

describe('squall urls from-log on the shapes of real logs, then squall run of its list', () => {
  const REASON_WORDS: Record<string, string> = {
    asset: 'assets?',
    download: 'downloads?',
    failed: 'failed requests?',
    method: 'other methods?',
    'no response': 'requests? with no response',
    'no status': 'lines? with no status',
    'no request line': 'lines? with no request',
    'not a path': 'requests? for no path',
  };
  let site: LogSite;
  let dir: string;

  beforeAll(async () => {
    site = await startLogSite();
    dir = mkdtempSync(join(tmpdir(), 'squall-log-shapes-'));
  });

  afterAll(async () => {
    await site?.close();
  });

  for (const format of ['common', 'combined'] as const) {
    it(`${format}: page views with their methods and counts, every other line accounted for by reason`, async () => {
      const log = generateLog(format, 3000);
      writeFileSync(join(dir, `${format}.log`), log.text);
      const out = join(dir, `${format}.txt`);
      const result = await runCli(['urls', 'from-log', join(dir, `${format}.log`), '--origin', site.url, '--methods', 'GET,POST', '--body', 'POST /api/cart={"id": 1}', '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^3000 lines read in [\\d.]+s \\(${format} format\\): \\d+ requests in the 6 page views kept \\(1 not GET\\)$`, 'm'));
      for (const [reason, n] of Object.entries(log.leftOut)) expect(result.stdout).toMatch(new RegExp(`[:,] ${n} ${REASON_WORDS[reason]} `));
      expect(result.stdout).toMatch(new RegExp(`^${log.malformed} lines in no access log format, e\\.g\\. line 20, 120`, 'm'));
      const list = parseUrlFile(readFileSync(out, 'utf8'), out);
      expect(Object.fromEntries(list.lines.map((l) => [l.name, l.weight]))).toEqual(log.groups);
      expect(list.lines.filter((l) => l.method !== 'GET').map((l) => [l.method, l.url, l.body])).toEqual([['POST', `${site.url}/api/cart`, '{"id": 1}']]);
      expect(list.lines.every((l) => JSON.stringify(l.expect.status) === '["2xx","3xx"]')).toBe(true);
    }, 60_000);
  }

  it("runs the list made from the log: the report's statuses are the site's answers, and a page that is gone fails", async () => {
    // Every group viewed whatever the draw: the list as written, each iteration walking it whole instead of drawing one
    // by weight, the page that is gone last (a failed view ends the walk).
    const lines = readFileSync(join(dir, 'combined.txt'), 'utf8').replace('# strategy: random', '# strategy: sequence').trimEnd().split('\n');
    const gone = lines.filter((line) => line.includes('/gone '));
    writeFileSync(join(dir, 'combined-turns.txt'), [...lines.filter((line) => !line.includes('/gone ')), ...gone].join('\n') + '\n');
    const before = site.answers();
    const run = await runCli([
      'run', join(dir, 'combined-turns.txt'), '--vus', '2', '--duration', '2s', '--window', '1s',
      '--out', join(dir, 'run'), '--db', join(dir, 'runs.db'), '--no-dashboard',
    ]);
    expect(run.code, run.stderr).toBe(0); // failed steps alone set no exit code: thresholds do
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'run', 'report.json'), 'utf8')));
    const answered: Record<string, Record<string, number>> = {};
    for (const [key, n] of Object.entries(site.answers())) {
      const [method, path, status] = key.split(' ') as [string, string, string];
      const fresh = n - (before[key] ?? 0);
      if (fresh === 0) continue;
      const label = `${site.url}${path}`;
      answered[label] = { ...answered[label], [`${method} ${status[0]}xx`]: (answered[label]?.[`${method} ${status[0]}xx`] ?? 0) + fresh };
    }
    const reported: Record<string, Record<string, number>> = {};
    for (const request of report.requests!) {
      expect(request.cached, request.label).toBe(0);
      const [method] = Object.keys(request.methods!);
      const [status] = Object.keys(request.statuses);
      reported[request.label] = { [`${method} ${status}`]: request.count };
    }
    expect(reported).toEqual(answered);
    const step = (name: string) => report.steps.find((s) => s.name === name)!;
    expect(step('/gone').failed).toBe(step('/gone').count);
    expect(step('/gone').count).toBeGreaterThan(0);
    expect(step('POST /api/cart').count).toBe(answered[`${site.url}/api/cart`]?.['POST 2xx'] ?? 0);
    expect(report.steps.filter((s) => s.name !== '/gone').every((s) => s.failed === 0)).toBe(true);
  }, 60_000);
});

describe('help for what each command accepts', () => {
  it('run and check name every kind of scenario; spider and from-log say what their flags do there', async () => {
    for (const command of ['run', 'check']) {
      const help = (await runCli([command, '--help'])).stdout.replace(/\s+/g, ' ');
      for (const kind of ['(.ts or .js)', 'URL list (.txt', 'URL lists (.yaml)', 'Recorder export (.json)']) expect(help).toContain(kind);
      expect(help).toContain("--allow-origin <origin> a URL list, chain or recording: an origin it may send load to besides its first URL's");
    }
    const spider = (await runCli(['urls', 'spider', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(spider).toContain("--allow-origin <origin> another origin the crawl may follow links to, besides the start URL's");
    const fromLog = (await runCli(['urls', 'from-log', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const text of ['common, combined or vhost_combined', '--assets', '--downloads', '--expect-status <list>', '--body <group=body>', 'a path is kept']) expect(fromLog).toContain(text);
  });
});
