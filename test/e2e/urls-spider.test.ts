// squall urls spider on the demo shop, with a real headless browser: it finds
// the shop's pages, including one only a script links to, obeys robots.txt,
// never leaves the shop's origin, and writes a list squall run can take.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { parseUrlFile } from '../../src/urls/url-file.js';
import { runCli } from '../harness/cli.js';
import { startDocsSite } from '../harness/docs-site.js';

describe('squall urls spider', () => {
  let app: DemoApp;
  let dir: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: {} });
    dir = mkdtempSync(join(tmpdir(), 'squall-spider-'));
  });

  afterAll(async () => {
    await app?.close();
  });

  it("finds the shop's pages, the scripted link too, and nothing robots.txt or another origin holds", async () => {
    const out = join(dir, 'urls.txt');
    const result = await runCli(['urls', 'spider', `${app.url}/about`, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const list = parseUrlFile(readFileSync(out, 'utf8'), out);
    expect(list.strategy).toBe('round-robin');
    expect(list.lines.map((l) => new URL(l.url).pathname).sort()).toEqual(['/', '/about', '/help', '/scripted']);
    expect(app.stats()['GET /private/report']).toBeUndefined();
    expect(result.stdout).toMatch(/4 pages found, 0 failed; links not followed: 1 to other origins, 1 by robots\.txt, 0 by --include\/--exclude/);
  }, 60_000);

  it('--no-robots follows what robots.txt disallows; --depth 0 stays on the start page; --exclude drops pages', async () => {
    const all = await runCli(['urls', 'spider', `${app.url}/about`, '--no-robots', '--exclude', 'scripted', '--out', join(dir, 'all.txt')]);
    expect(all.code).toBe(0);
    const paths = parseUrlFile(readFileSync(join(dir, 'all.txt'), 'utf8'), 'all.txt').lines.map((l) => new URL(l.url).pathname).sort();
    expect(paths).toEqual(['/', '/about', '/help', '/private/report']);
    const one = await runCli(['urls', 'spider', `${app.url}/about`, '--depth', '0', '--out', join(dir, 'one.txt')]);
    expect(parseUrlFile(readFileSync(join(dir, 'one.txt'), 'utf8'), 'one.txt').lines.map((l) => l.url)).toEqual([`${app.url}/about`]);
  }, 60_000);

  it('an unreachable start URL is one line and exit 2', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await runCli(['urls', 'spider', `http://127.0.0.1:${port}/`, '--out', join(dir, 'none.txt')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`squall: http://127.0.0.1:${port}/: the start URL is not reachable (ECONNREFUSED)`);
  }, 30_000);

  it('crawls a frameset docs site whole: frames and iframes are followed, a redirect into a disallowed path is neither loaded nor listed', async () => {
    const docs = await startDocsSite();
    try {
      const out = join(dir, 'docs.txt');
      const result = await runCli(['urls', 'spider', `${docs.url}/`, '--concurrency', '3', '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      const paths = parseUrlFile(readFileSync(out, 'utf8'), out).lines.map((l) => new URL(l.url).pathname).sort();
      expect(paths).toEqual(['/', '/classes/A.html', '/classes/B.html', '/deep.html', '/embedded.html', '/guide.html', '/nav.html', '/overview.html', '/scripted.html']);
      const served = docs.served();
      expect(served['/Types/']).toBeUndefined();
      expect(served['/private/notes.html']).toBeUndefined();
      expect(result.stdout).toContain(`skipped ${docs.url}/Types: it redirects to a path robots.txt disallows`);
      expect(result.stdout).toMatch(/9 pages found, 0 failed; links not followed: 0 to other origins, 2 by robots\.txt/);
      // Each page visited once, whatever the tabs at once (a frame's document also loads with each page that frames it).
      for (const path of ['/', '/classes/A.html', '/classes/B.html', '/deep.html', '/guide.html', '/scripted.html']) expect(served[path], path).toBe(1);
    } finally {
      await docs.close();
    }
  }, 60_000);
});
