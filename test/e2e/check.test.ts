// squall check: one VU, one iteration, each step's result and time.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture, runCli } from '../harness/cli.js';

describe('squall check', () => {
  let app: DemoApp;
  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 50, 'POST /api/cart': 20 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs a scenario kept outside any project once and prints every step with its time', async () => {
    // A folder with no node_modules: 'squall' must resolve to the tool's own API.
    const dir = mkdtempSync(join(tmpdir(), 'squall-check-'));
    cpSync(fixture('shop.scenario.ts'), join(dir, 'shop.ts'));
    app.reset();
    const result = await runCli(['check', 'shop.ts', '--env', `TARGET=${app.url}`], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^checking "e2e shop": 1 VU, 1 iteration, HeadlessChrome\//m);
    expect(result.stdout).toMatch(/^ {2}ok {3}home\s+\d+ms$/m);
    expect(result.stdout).toMatch(/^ {2}ok {3}add to cart\s+\d+ms$/m);
    expect(result.stdout).toMatch(/^passed: 2 steps$/m);
    expect(app.stats()['POST /api/cart']).toEqual({ hits: 1, errors: 0 });
  });

  it('shows the failing step, its error and exits 1', async () => {
    app.configure({ cartErrorRate: 1 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'squall-check-fail-'));
      const result = await runCli(['check', fixture('shop.scenario.ts'), '--env', `TARGET=${app.url}`], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^ {2}FAIL add to cart\s+\d+ms {2}Error: cart says: error: injected failure$/m);
      expect(result.stdout).toMatch(/^failed: 1 of 2 steps passed$/m);
      // The failed step's evidence: the page, the failed request, the screenshot on disk.
      expect(result.stdout).toContain(`       page: ${app.url}/\n`);
      expect(result.stdout).toContain(`       request: 500 ${app.url}/api/cart\n`);
      const shot = /^ {7}screenshot: (\S+\.jpg)$/m.exec(result.stdout)?.[1];
      expect(shot).toBeDefined();
      expect(shot).toMatch(/^squall-results\/check\//);
      expect(readFileSync(join(dir, shot!)).readUInt16BE(0)).toBe(0xffd8);
      // What the iteration requested, slowest first, and the page view's vitals.
      expect(result.stdout).toMatch(/^requests: 4, slowest first/m);
      expect(result.stdout).toMatch(/^ {2}POST +500 .* http:\/\/127\.0\.0\.1:\d+\/api\/cart {2}\(add to cart\)$/m);
      expect(result.stdout).toMatch(/^page view in "home": LCP \d+ms {2}FCP/m);
    } finally {
      app.configure({ cartErrorRate: 0 });
    }
  });
});
