// Playwright flow for Artillery's playwright engine (artillery-engine-playwright).
// The engine runs testFunction once per VU and has no `loop` support, so the
// loop lives here: each VU repeats the flow until a shared deadline
// (first VU start + DURATION s), giving VUS concurrent looping VUs.
const { chromium } = require('playwright'); // same module instance the engine uses

const TARGET = (process.env.TARGET || '').replace(/\/$/, '');

// artillery-engine-playwright 1.18.0 launches its "shared" browser lazily with
// `if (!global.artillery.__browser) __browser = await chromium.launch(...)`:
// VUs arriving while the first launch is in flight each launch their own
// Chromium (1..VUS browsers, never closed before exit). Memoise the launch so
// every VU of the worker gets the same browser (one browser, one context per
// VU). Set ART_ONE_BROWSER=0 to keep the engine's stock behaviour.
if (process.env.ART_ONE_BROWSER !== '0') {
  const launch = chromium.launch.bind(chromium);
  let shared = null;
  chromium.launch = (options) => {
    if (!shared) shared = launch(options).catch((err) => { shared = null; throw err; });
    return shared;
  };
}
const DURATION_MS = Number(process.env.DURATION || 30) * 1000;

async function shopFlow(page, vuContext, events) {
  if (!TARGET) throw new Error('TARGET env var not set');
  if (!global.__shopDeadline) global.__shopDeadline = Date.now() + DURATION_MS;
  const deadline = global.__shopDeadline;

  while (Date.now() < deadline) {
    const t0 = Date.now();
    try {
      await page.goto(TARGET + '/');
      await page.waitForSelector('#app li');
      await page.waitForTimeout(Number(process.env.THINK_MS || 300));
      const n = Number(await page.getAttribute('#cart', 'data-seq'));
      await page.click('#add');
      await page.waitForSelector(`#cart[data-seq="${n + 1}"]`);
      events.emit('counter', 'shop.flows_completed', 1);
      events.emit('histogram', 'shop.flow_ms', Date.now() - t0);
    } catch (err) {
      // count the failure and keep looping (a thrown error would end the VU)
      events.emit('counter', 'shop.flows_failed', 1);
      events.emit('error', String(err.message || err).split('\n')[0]);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

module.exports = { shopFlow };
