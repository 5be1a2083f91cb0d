// The agent's browser, launched with the agent's own flags, still renders
// like a user's: frames come (requestAnimationFrame ticks, CSS animations
// move), paints are timed. Flags that save CPU by not producing frames would
// make every VU measure a page no user sees; this is the guard against them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { findBrowser } from '../src/browser-path.js';

const FRAMES_WANTED = 10;
const PAGE = `<!doctype html><html><head><style>
  @keyframes slide { from { transform: translateX(0) } to { transform: translateX(300px) } }
  #box { width: 50px; height: 50px; background: teal; animation: slide 1s linear infinite }
</style></head><body><h1>rendered?</h1><div id="box"></div><script>
  window.paints = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) paints.push(e.name); }).observe({ type: 'paint', buffered: true });
  // Resolves after ${FRAMES_WANTED} animation frames, or with fewer when 2 s of timers pass without them.
  window.frames = new Promise((resolve) => {
    let count = 0;
    const tick = () => (++count >= ${FRAMES_WANTED} ? resolve(count) : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
    setTimeout(() => resolve(count), 2000);
  });
</script></body></html>`;

interface Rendering {
  frames: number;
  paints: string[];
  moved: boolean;
  /** pages a user's browser would give WebGL get it here too (a flag that saves start-up CPU takes it away) */
  webgl: boolean;
  /** pages the browser had before the VU opened its own */
  pagesAtStart: number;
}

describe('the agent browser renders', () => {
  let server: Server;
  let url = '';
  const found = findBrowser(undefined);

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function renderingWith(args: string[]): Promise<Rendering> {
    if ('error' in found) throw new Error(found.error);
    const chromium = await launchBrowser(found.path, { args });
    try {
      const pagesAtStart = chromium.browser.targets().filter((target) => target.type() === 'page').length;
      const page = await (await chromium.browser.createBrowserContext()).newPage();
      await page.goto(url);
      const transformAt = () => page.$eval('#box', (el) => getComputedStyle(el).transform);
      const before = await transformAt();
      const frames = await page.evaluate(() => (window as unknown as { frames: Promise<number> }).frames);
      const paints = await page.evaluate(() => (window as unknown as { paints: string[] }).paints);
      const webgl = await page.evaluate(() => document.createElement('canvas').getContext('webgl') !== null);
      return { frames, paints, moved: (await transformAt()) !== before, webgl, pagesAtStart };
    } finally {
      await chromium.close();
    }
  }

  it('with the agent flags: frames tick, paints are timed, animations move, WebGL is there', async () => {
    const rendering = await renderingWith([]);
    expect(rendering).toEqual({ frames: FRAMES_WANTED, paints: expect.arrayContaining(['first-contentful-paint']), moved: true, webgl: true, pagesAtStart: 0 });
  });

  it('notices a browser without WebGL (the check can fail)', async () => {
    // Measured: this flag saves about 80 ms of a start's CPU, and takes WebGL from every page.
    expect((await renderingWith(['--disable-software-rasterizer'])).webgl).toBe(false);
  });

  it('notices a browser that does not produce frames (the check can fail)', async () => {
    // Measured: this flag cuts CPU per iteration by a fifth, because the headless shell then draws nothing.
    const rendering = await renderingWith(['--disable-threaded-compositing']);
    expect(rendering.frames).toBeLessThan(FRAMES_WANTED);
    expect(rendering.paints).not.toContain('first-contentful-paint');
  });
});
