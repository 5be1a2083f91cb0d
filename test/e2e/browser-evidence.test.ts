// Failure evidence and collection switched off on real runs against the demo
// shop: screenshots of failed steps within their budget, decoded from
// report.html, request thresholds that fail, and a run that collects nothing.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';

/** Width and height from a JPEG's start-of-frame marker: the file is a real image, not just bytes. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.readUInt16BE(0)).toBe(0xffd8);
  for (let at = 2; at < bytes.length; ) {
    const marker = bytes.readUInt16BE(at);
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xffc0 && marker <= 0xffc3) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  throw new Error('no start-of-frame marker');
}

describe('failure evidence and collection off on real runs', () => {
  let app: DemoApp;
  let dir: string;

  const run = (scenario: string, name: string, extra: string[]) =>
    runCli(['run', fixture(scenario), '--window', '2s', '--env', `TARGET=${app.url}`, '--out', join(dir, name), '--db', join(dir, 'runs.db'), '--no-dashboard', ...extra]);
  const readReport = (name: string) => ReportSchema.parse(JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')));

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 200, 'GET /api/products/:id': 20, 'POST /api/cart': 30 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-browser-evidence-'));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('keeps screenshots of failed steps within the limit, viewable in report.html, and fails request thresholds with exit 1', async () => {
    app.reset();
    app.configure({ cartErrorRate: 1 });
    let failing: CliResult;
    try {
      failing = await run('browse.scenario.ts', 'failing', ['--duration', '5s', '--threshold', 'requests:status5xx<1%', '--threshold', 'vitals:LCP:p75<1']);
    } finally {
      app.configure({ cartErrorRate: 0 });
    }
    expect(failing.code).toBe(1);
    const failed = readReport('failing');
    expect(failed.thresholds.map((t) => t.passed)).toEqual([false, false]);
    const cartFailures = failed.steps.find((s) => s.name === 'add to cart')!.failed;
    expect(cartFailures).toBeGreaterThan(2);
    expect(failed.evidence).toHaveLength(2);
    for (const item of failed.evidence) {
      expect(item).toMatchObject({ step: 'add to cart', errorClass: 'Error', url: `${app.url}/`, failedRequests: [{ url: `${app.url}/api/cart`, status: 500 }] });
      expect(existsSync(join(dir, 'failing', item.screenshot!))).toBe(true);
    }
    const html = readFileSync(join(dir, 'failing', 'report.html'), 'utf8');
    const images = [...html.matchAll(/<img data-screenshot="[^"]+" alt="[^"]*" src="data:image\/jpeg;base64,([A-Za-z0-9+/=]+)">/g)];
    expect(images).toHaveLength(2);
    for (const [, base64] of images) expect(jpegSize(Buffer.from(base64!, 'base64'))).toEqual({ width: 1280, height: 720 });
  });

  it('collects nothing when the scenario turns collection off', async () => {
    const off = await run('browse-no-metrics.scenario.ts', 'off', []);
    expect(off.code, off.stderr).toBe(0);
    const quiet = readReport('off');
    expect(quiet.steps.find((s) => s.name === 'home')!.count).toBeGreaterThan(0);
    expect(quiet.requests).toBeUndefined();
    expect(quiet.pageViews).toBeUndefined();
    expect(existsSync(join(dir, 'off', 'requests.csv'))).toBe(false);
  });
});
