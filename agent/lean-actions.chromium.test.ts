// The lean page actions against puppeteer's own, in real headless Chromium on
// a real page: every case runs on a stock page and on a lean one, and both
// must end the same way (value or error, and what the page saw). A counting
// DevTools transport checks the point of it all: fewer round trips.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type ConnectionTransport, type Page } from 'puppeteer-core';
import { NodeWebSocketTransport } from 'puppeteer-core/lib/esm/puppeteer/node/NodeWebSocketTransport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser-path.js';
import { installLeanActions, isPlainCss } from './lean-actions.js';
import { inPage } from './lean-actions-page.js';

const SHOP = `<!doctype html><html><head><style>
  body { margin: 0; font: 16px sans-serif } .tall { height: 2000px } .hidden { visibility: hidden }
  #clip { height: 50px; overflow: auto } #clip .inner { height: 400px } #zero { width: 0; height: 0; overflow: hidden }
</style></head><body>
<button id="top">top</button>
<div class="tall"></div>
<button id="far">far</button>
<div id="clip"><div class="inner"></div><button id="clipped">clipped</button></div>
<div id="zero">x</div>
<input id="name"><select id="color"><option value="red">red</option><option value="blue">blue</option></select>
<select id="sizes" multiple><option value="s">s</option><option value="m">m</option><option value="l">l</option></select>
<p id="log"></p><span id="later-hidden" class="hidden">soon</span><span id="fading">fading</span>
<ul id="items"><li>a</li><li>b</li><li>c</li></ul>
<a id="next" href="/next">next</a>
<script>
  const log = (text) => (document.getElementById('log').textContent += text + ';');
  for (const id of ['top', 'far', 'clipped']) {
    const el = document.getElementById(id);
    el.addEventListener('click', (e) => log(id + ':click:' + e.button + ':' + e.detail + ':' + Math.round(e.offsetX) + ',' + Math.round(e.offsetY)));
    el.addEventListener('mousedown', (e) => e.button === 2 && log(id + ':right:' + e.detail));
  }
  // Only here: a page under a resting pointer at (0, 0) may see a mouseover of #top whenever layout moves.
  document.getElementById('far').addEventListener('mouseover', () => log('far:over'));
  document.getElementById('name').addEventListener('focus', () => log('name:focus'));
  document.getElementById('color').addEventListener('change', (e) => log('color:' + e.target.value));
  setTimeout(() => { const b = document.createElement('button'); b.id = 'late'; b.textContent = 'late'; document.body.append(b); }, 150);
  setTimeout(() => document.getElementById('later-hidden').classList.remove('hidden'), 150);
  // Its own element: #top hidden by a timer raced the clicks on it on a busy machine.
  setTimeout(() => document.getElementById('fading').style.visibility = 'hidden', 150);
</script></body></html>`;
const NEXT = `<!doctype html><p>next</p><script>setTimeout(() => { const p = document.createElement('p'); p.id = 'arrived'; document.body.append(p); }, 100)</script>`;

type Outcome = { value?: unknown; error?: string; log: string };

describe('lean page actions', () => {
  let server: Server;
  let url = '';
  let browser: Browser;
  const sent: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      // The link's page arrives late, so a wait started before it spans the navigation.
      if (req.url === '/next') setTimeout(() => res.end(NEXT), 150);
      else res.end(SHOP);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const found = findBrowser(undefined);
    if ('error' in found) throw new Error(found.error);
    const launched = await puppeteer.launch({ executablePath: found.path, headless: 'shell', args: ['--no-sandbox', '--disable-gpu'] });
    const inner = await NodeWebSocketTransport.create(launched.wsEndpoint());
    await launched.disconnect();
    const counting: ConnectionTransport = {
      send: (message) => {
        sent.push(JSON.parse(message).method as string);
        inner.send(message);
      },
      close: () => inner.close(),
      set onmessage(handler: ((message: string) => void) | undefined) {
        inner.onmessage = handler as typeof inner.onmessage;
      },
      set onclose(handler: (() => void) | undefined) {
        inner.onclose = handler;
      },
    };
    browser = await puppeteer.connect({ transport: counting, defaultViewport: { width: 800, height: 600 } });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function freshPage(lean: boolean): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(url + '/');
    return lean ? installLeanActions(page) : page;
  }

  async function describeValue(value: unknown): Promise<unknown> {
    if (value && typeof value === 'object' && 'asElement' in value) {
      return `handle:${await (value as unknown as { evaluate(f: (e: Element) => string): Promise<string> }).evaluate((e) => e.id || e.tagName)}`;
    }
    return Array.isArray(value) ? Promise.all(value.map(describeValue)) : value;
  }

  /** Runs `action` on a stock page and on a lean one; returns both outcomes. */
  async function both(action: (page: Page) => Promise<unknown>): Promise<[Outcome, Outcome]> {
    const outcomes: Outcome[] = [];
    for (const lean of [false, true]) {
      const page = await freshPage(lean);
      const outcome: Outcome = { log: '' };
      try {
        outcome.value = await describeValue(await action(page));
      } catch (error) {
        outcome.error = `${(error as Error).name}: ${(error as Error).message}`;
      }
      outcome.log = await page.evaluate(() => document.getElementById('log')?.textContent ?? 'another page');
      outcomes.push(outcome);
      await page.browserContext().close();
    }
    return outcomes as [Outcome, Outcome];
  }

  const cases: Array<[string, (page: Page) => Promise<unknown>]> = [
    ['click on a visible button', (page) => page.click('#top')],
    ['click far below the fold, with an offset', (page) => page.click('#far', { offset: { x: 3, y: 4 } })],
    ['click inside a scrolled container', (page) => page.click('#clipped')],
    ['double right click', (page) => page.click('#far', { button: 'right', count: 2 })],
    ['click on nothing', (page) => page.click('#nothing')],
    ['click on an element without a box', (page) => page.click('#zero')],
    ['hover', (page) => page.hover('#far')],
    ['focus and type', async (page) => {
      await page.type('#name', 'Ada');
      return page.$eval('#name', (el) => (el as HTMLInputElement).value);
    }],
    ['focus on nothing', (page) => page.focus('#nothing')],
    ['select one', (page) => page.select('#color', 'blue', 'red')],
    ['select many', (page) => page.select('#sizes', 's', 'l')],
    ['select on a non-select', (page) => page.select('#name', 'x')],
    ['$ found and not found', async (page) => [await page.$('#items li'), await page.$('#nothing')]],
    ['$eval with arguments and an async function', (page) => page.$eval('#items li', async (el, suffix: string) => el.textContent + suffix, '!')],
    ['$eval as a method shorthand', (page) => page.$eval('#items', { f(el: Element) { return el.children.length; } }.f)],
    ['$eval on nothing', (page) => page.$eval('#nothing', (el) => el.id)],
    ['$$eval', (page) => page.$$eval('#items li', (els, sep: string) => els.map((e) => e.textContent).join(sep), '-')],
    ['$$eval on nothing', (page) => page.$$eval('#nothing', (els) => els.length)],
    ['waitForSelector for an element added later', (page) => page.waitForSelector('#late')],
    ['waitForSelector visible, shown later', (page) => page.waitForSelector('#later-hidden', { visible: true })],
    ['waitForSelector hidden, hidden later', (page) => page.waitForSelector('#fading', { hidden: true })],
    ['waitForSelector hidden, no such element', (page) => page.waitForSelector('#nothing', { hidden: true })],
    ['waitForSelector times out', (page) => page.waitForSelector('#never', { timeout: 300 })],
    ['waitForSelector across a navigation', async (page) => {
      await page.click('#next');
      return page.waitForSelector('#arrived');
    }],
    ['waitForSelector aborted', (page) => page.waitForSelector('#never', { signal: AbortSignal.timeout(200) })],
    ['puppeteer selector syntax falls back to puppeteer', (page) => page.$eval('::-p-text(far)', (el) => el.id)],
  ];

  for (const [name, action] of cases) {
    it(`${name}: as puppeteer does`, async () => {
      const [stock, lean] = await both(action);
      expect(lean).toEqual(stock);
    });
  }

  it('what the page saw tells clicks apart (the comparison above can fail)', async () => {
    const [here] = await both((page) => page.click('#far', { offset: { x: 3, y: 4 } }));
    const [there] = await both((page) => page.click('#far', { offset: { x: 5, y: 9 } }));
    expect(here.log).toMatch(/far:click:0:1:/);
    expect(there.log).toMatch(/far:click:0:1:/);
    expect(there.log).not.toEqual(here.log);
  });

  it('a bad selector fails a wait at once, where puppeteer would wait out its timeout', async () => {
    const page = await freshPage(true);
    const started = Date.now();
    const error = await page.waitForSelector('#a[', { timeout: 5000 }).catch((e: unknown) => e as Error);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("Waiting for selector `#a[` failed: '#a[' is not a valid selector");
    await page.browserContext().close();
  });

  it('clicks, waits and reads in one round trip each (plus the mouse events)', async () => {
    const count = async (lean: boolean) => {
      const page = await freshPage(lean);
      sent.length = 0;
      await page.click('#top');
      await page.waitForSelector('#items li');
      await page.$eval('#log', (el) => el.textContent);
      const methods = [...sent];
      await page.browserContext().close();
      return methods;
    };
    const stock = await count(false);
    const lean = await count(true);
    expect(lean).toEqual(['Runtime.callFunctionOn', 'Input.dispatchMouseEvent', 'Input.dispatchMouseEvent', 'Input.dispatchMouseEvent', 'Runtime.callFunctionOn', 'Runtime.callFunctionOn']);
    expect(stock.length).toBeGreaterThan(4 * lean.length);
  });

  it('page functions run even when the build wrapped their inner functions in __name (as tsx does)', async () => {
    const page = await freshPage(false);
    const compiled = new Function('return function probe() { const inner = __name(() => 41, "inner"); return inner() + 1; }')() as () => number;
    await expect(page.evaluate(compiled)).rejects.toThrow(/__name is not defined/);
    expect(await page.evaluate(inPage(compiled))).toBe(42);
    await page.browserContext().close();
  });

  it('tells plain CSS from puppeteer selector syntax', () => {
    expect(isPlainCss('#app li[data-id="p1"] > a:hover')).toBe(true);
    for (const selector of ['aria/Submit', 'text/Buy', 'xpath///a', 'pierce/#x', 'div >>> span', 'a::-p-text(Buy)']) expect(isPlainCss(selector)).toBe(false);
  });
});
