// The demo scenario: what `squall demo` runs against the demo shop, and a
// starting point for your own. Run it yourself with
//   squall run controller/demo/scenario.ts --env TARGET=http://127.0.0.1:8080
import { defineScenario } from 'squall';

export default defineScenario({
  name: 'demo shop',
  options: { vus: 3, duration: '30s' },
  async run({ page, step, think, env }) {
    await step('home', async () => {
      await page.goto(env.TARGET + '/');
      await page.waitForSelector('#app li');
    });
    await think([500, 1500]);
    await step('add to cart', async () => {
      const seq = Number(await page.$eval('#cart', (el) => el.getAttribute('data-seq')));
      await page.click('#add');
      // waitForSelector watches DOM mutations instead of polling every frame.
      const cart = await page.waitForSelector(`#cart[data-seq="${seq + 1}"]`);
      const status = await cart!.evaluate((el) => el.getAttribute('data-status'));
      if (status !== 'ok') throw new Error(`cart says: ${await cart!.evaluate((el) => el.textContent)}`);
    });
    await think(1000);
  },
});
