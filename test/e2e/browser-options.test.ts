// The scenario's browser options reach Chromium: blocked hosts never get a
// request, the viewport is the one asked for.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../harness/cli.js';

describe('options.browser', () => {
  let server: Server;
  let port = 0;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.headers.host?.split(':')[0]} ${req.url}`);
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><img src="http://tracker.localhost:${port}/pixel.gif"><img src="http://127.0.0.1:${port}/own.gif">`);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('blocks the listed hosts and sets the viewport', async () => {
    const result = await runCli(['check', fixture('block-hosts.scenario.ts'), '--env', `TARGET=http://127.0.0.1:${port}`]);
    expect(result.stdout).toMatch(/ok {3}page/);
    expect(result.code).toBe(0);
    expect(hits).toContain('127.0.0.1 /own.gif');
    expect(hits.some((hit) => hit.includes('pixel'))).toBe(false);
  });

  it('without the block the pixel is fetched (the test can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-block-'));
    const source = readFileSync(fixture('block-hosts.scenario.ts'), 'utf8').replace("blockHosts: ['tracker.localhost'], ", '');
    writeFileSync(join(dir, 'open.ts'), source);
    hits.length = 0;
    const result = await runCli(['check', join(dir, 'open.ts'), '--env', `TARGET=http://127.0.0.1:${port}`]);
    expect(result.code).toBe(0);
    expect(hits).toContain('tracker.localhost /pixel.gif');
  });

  it('rejects a bad option with the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-block-'));
    cpSync(fixture('block-hosts.scenario.ts'), join(dir, 'bad.ts'));
    writeFileSync(join(dir, 'bad.ts'), readFileSync(join(dir, 'bad.ts'), 'utf8').replace("blockHosts: ['tracker.localhost']", "blockHosts: ['http://x/']"));
    const result = await runCli(['run', 'bad.ts'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('squall: bad.ts: options.browser.blockHosts.0: expected a host name, * allowed: "*.google-analytics.com"');
  });
});
