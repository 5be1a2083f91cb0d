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
import { popupRecording, startPopupSite, type PopupSite } from '../harness/popup-site.js';

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
    // The Recorder's other exports: scripts that launch their own browser.
    const puppeteerScript = "const puppeteer = require('puppeteer'); // v23.0.0 or later\n\n(async () => {\n  const browser = await puppeteer.launch();\n  const page = await browser.newPage();\n  const timeout = 5000;\n  await browser.close();\n})();\n";
    const replayScript = "import url from 'url';\nimport { createRunner } from '@puppeteer/replay';\n\nexport async function run(extension) {\n  const runner = await createRunner(extension);\n  await runner.run();\n}\n";
    cases.push([puppeteerScript, 'exported.js: a script that launches its own browser (a Chrome Recorder Puppeteer export?); export the recording as JSON instead']);
    cases.push([replayScript, 'replay-export.js: a script that launches its own browser (a Chrome Recorder @puppeteer/replay export?)']);
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

describe('recordings of popups and keys, as the Recorder writes them', () => {
  let site: PopupSite;
  let dir: string;

  beforeAll(async () => {
    site = await startPopupSite();
    dir = mkdtempSync(join(tmpdir(), 'squall-recording-popup-'));
  });

  afterAll(async () => {
    await site?.close();
  });

  it('replays a popup flow that ends with a close step, each VU in its own popup; a default title gives way to the file name; key steps exclude replay\'s own pause', async () => {
    const path = join(dir, 'help-popup.json');
    writeFileSync(path, JSON.stringify(popupRecording(site.url)));
    const out = join(dir, 'out');
    const result = await runCli(['run', path, '--vus', '2', '--duration', '3s', '--out', out, '--db', join(dir, 'runs.db')]);
    expect(result.code, result.stderr).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.run.scenario).toBe('help-popup');
    expect(report.steps.map((s) => s.name)).toEqual(['1 navigate /', '2 click #help', '3 click #thanks', '4 waitForElement #done', '5 close', '6 keyDown Tab', '7 keyUp Tab']);
    expect(report.iterations.failed).toBe(0);
    const step = (name: string) => report.steps.find((s) => s.name === name)!;
    // Every thank-you the site took came from a popup of the VU that clicked in it, and every popup was closed.
    expect(step('3 click #thanks').count).toBe(site.thanks());
    expect(step('5 close').count).toBe(step('2 click #help').count);
    // A key press is a round trip; replay's 100 ms pause after it is not the site's time.
    expect(step('6 keyDown Tab').p50).toBeLessThan(90);
    expect(step('7 keyUp Tab').p50).toBeLessThan(90);
  }, 60_000);

  it("gives up on a missing element after the recording's timeout (replay's 5 s unless it gives one), and says so", async () => {
    const path = join(dir, 'missing.json');
    writeFileSync(path, JSON.stringify({ title: 'missing', timeout: 1000, steps: [{ type: 'navigate', url: `${site.url}/` }, { type: 'waitForElement', selectors: [['#never']] }] }));
    const started = Date.now();
    const check = await runCli(['check', path], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/FAIL 2 waitForElement #never +\d+ms +Error: waitForElement timed out\. The element\(s\) could not be found\. \(after the step's 1000 ms; a "timeout" on the step or the recording changes it\)/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
