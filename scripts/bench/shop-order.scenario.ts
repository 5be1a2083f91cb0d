// The side-by-side benchmark's flow (scripts/bench/side-by-side.ts): browse
// the shop, think, order. Every runner there does exactly this, and the shop
// counts the orders.
import { defineScenario } from 'squall';

export default defineScenario({
  name: 'shop order',
  async run({ page, step, think, env }) {
    await step('browse', async () => {
      await page.goto(env.TARGET + '/');
      await page.waitForSelector('#app li');
    });
    await think(Number(env.THINK_MS));
    await step('order', async () => {
      const seq = Number(await page.$eval('#cart', (el) => el.getAttribute('data-seq')));
      await page.click('#add');
      await page.waitForSelector(`#cart[data-seq="${seq + 1}"]`);
    });
  },
});
