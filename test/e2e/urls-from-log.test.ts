// squall urls from-log on a generated 100,000-line access log, plain and
// gzipped: the weights it writes are the log's own counts, and bad input is
// one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseUrlFile } from '../../src/urls/url-file.js';
import { runCli } from '../harness/cli.js';

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
      expect(result.stdout).toMatch(/^100004 lines read in [\d.]+s: \d+ requests in the 5 paths kept, 991 other methods or failed\n4 malformed lines \(not combined log format\), e\.g\. line 5, 25006, 50007, 75008\n/);
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
