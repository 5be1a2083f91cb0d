// The benchmarks' reference workload: three steps with 1 s think time each,
// against the demo shop with every API route at a fixed 100 ms. "product" is
// the fixed-latency step whose p50 tells whether the load host still
// measures true. THINK_MS shortens the think time: the benchmark's smoke
// mode runs the same steps in seconds.
import { defineScenario } from 'squall';

export default defineScenario({
  name: 'reference',
  options: { vus: 1, duration: '30s', gracefulStop: '10s' },
  async run({ page, step, think, env, vu }) {
    const thinkMs = env.THINK_MS ? Number(env.THINK_MS) : 1000;
    await step('home', async () => {
      await page.goto(env.TARGET + '/');
      await page.waitForSelector('#app li');
    });
    await think(thinkMs);
    const id = ['p1', 'p2', 'p3'][vu % 3]!;
    await step('product', async () => {
      await page.click(`#app li[data-id="${id}"]`);
      await page.waitForSelector(`#detail[data-id="${id}"]`);
    });
    await think(thinkMs);
    await step('add to cart', async () => {
      const seq = Number(await page.$eval('#cart', (el) => el.getAttribute('data-seq')));
      await page.click('#add');
      await page.waitForSelector(`#cart[data-seq="${seq + 1}"]`);
    });
    await think(thinkMs);
  },
});
