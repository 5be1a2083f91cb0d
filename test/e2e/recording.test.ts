// A Chrome DevTools Recorder recording made for the demo shop, run as a load
// test and as a check: every recorder step a timed step, counted by the shop;
// recordings squall cannot run are refused before anything starts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { runCli } from '../harness/cli.js';

function recording(url: string) {
  return {
    title: 'add tea to the cart',
    steps: [
      { type: 'setViewport', width: 1280, height: 720, deviceScaleFactor: 1, isMobile: false, hasTouch: false, isLandscape: false },
      { type: 'navigate', url: `${url}/`, assertedEvents: [{ type: 'navigation', url: `${url}/`, title: 'squall demo shop' }] },
      { type: 'click', target: 'main', selectors: [['#app li[data-id="p2"]']], offsetX: 10, offsetY: 5 },
      { type: 'waitForElement', selectors: [['#detail h2']] },
      { type: 'click', target: 'main', selectors: [['aria/Add to cart'], ['#add']], offsetX: 5, offsetY: 5 },
      { type: 'waitForElement', selectors: [['#cart[data-status="ok"]']] },
    ],
  };
}

describe('Chrome Recorder recordings', () => {
  let app: DemoApp;
  let dir: string;
  let path: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: {} });
    dir = mkdtempSync(join(tmpdir(), 'squall-recording-'));
    path = join(dir, 'add-tea.json');
    writeFileSync(path, JSON.stringify(recording(app.url), null, 2));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('runs as a load test, each recorder step timed under its own name, counted by the shop', async () => {
    app.reset();
    const out = join(dir, 'out');
    const result = await runCli(['run', path, '--vus', '2', '--duration', '5s', '--out', out, '--db', join(dir, 'runs.db')]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.run.scenario).toBe('add tea to the cart');
    expect(report.steps.map((s) => s.name)).toEqual(['2 navigate /', '3 click #app li[data-id="p2"]', '4 waitForElement #detail h2', '5 click aria Add to cart', '6 waitForElement #cart[data-status="ok"]']);
    const count = (name: string) => report.steps.find((s) => s.name === name)!.count;
    expect(count('2 navigate /')).toBe(app.stats()['GET /']!.hits);
    expect(count('3 click #app li[data-id="p2"]')).toBe(app.stats()['GET /api/products/:id']!.hits);
    expect(count('5 click aria Add to cart')).toBe(app.stats()['POST /api/cart']!.hits);
    expect(report.iterations.completed).toBeGreaterThan(4);
    expect(report.iterations.failed).toBe(0);
  }, 60_000);

  it('squall check replays it once, step by step', async () => {
    const check = await runCli(['check', path]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/checking "add tea to the cart": 1 VU, 1 iteration/);
    expect(check.stdout).toMatch(/ok {3}2 navigate \/ .*\n {2}ok {3}3 click #app li\[data-id="p2"\] .*\n(.*\n){2} {2}ok {3}6 waitForElement/);
  }, 30_000);

  it('refuses what it cannot run: not JSON, an unknown step, a stranger\'s origin, a recording without a navigation: exit 2, one line', async () => {
    const cases: Array<[string, string]> = [
      ['{ "title": ', 'not-json.json: not JSON:'],
      [JSON.stringify({ title: 't', steps: [{ type: 'teleport' }] }), "unknown-step.json: not a recording this version of @puppeteer/replay can run:"],
      [JSON.stringify({ title: 't', steps: [recording(app.url).steps[1], { type: 'navigate', url: 'https://shop.example/' }] }), `origin.json: steps[1]: navigates to https://shop.example, not an allowed origin (the first navigation's is ${app.url})`],
      [JSON.stringify({ title: 't', steps: [{ type: 'waitForElement', selectors: [['#x']] }] }), 'no-navigate.json: the recording never navigates'],
      [JSON.stringify({ name: 'not a recording' }), 'shape.json: expected a Chrome DevTools Recorder recording'],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, message.split(':')[0]!);
      writeFileSync(file, text);
      const result = await runCli(['check', file]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(message);
    }
  }, 60_000);
});
