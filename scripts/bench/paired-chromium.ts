// Chromium's CPU per order for two runners at once: each its own browser
// (squall's, with squall's flags), the same shop flow, the same minutes. The
// side-by-side bench runs its runners in turns, and on this machine the same
// runner moves 10-20 % between turns minutes apart; run at once, both share
// whatever the machine does, and an A/A pair differs by 1-2 %. What it cannot
// split is Node's part: every runner's VUs are driven from this process, so it
// measures the browsers only (the agent's own CPU is the profile's to measure).
//   squall      squall's VirtualUser (lean actions, page metrics, request capture)
//               running scripts/bench/shop-order.scenario.ts
//   squall-off  the same with browser metrics off
//   floor       the page drives itself, as in the side-by-side bench
// Each round swaps which browser starts first. Run:
//   npx tsx scripts/bench/paired-chromium.ts [--pair squall,floor] [--vus 4] [--warmup 6] [--measure 25] [--rounds 2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../agent/browser.js';
import { FlowPicker } from '../../agent/flow-picker.js';
import { VirtualUser } from '../../agent/vu.js';
import { bundleScenario } from '../../controller/bundle.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { argument } from './cli-args.js';
import { HEADLESS_SHELL, ORDER_DELAY_MS, startFloorVu, THINK_MS, VU_SPACING_MS } from './side-by-side-runners.js';
import { treeCpuMs, treeCpuTicks } from './system.js';

const RUNNERS = ['squall', 'squall-off', 'floor'] as const;
type RunnerName = (typeof RUNNERS)[number];

const pair = argument('--pair', 'squall,floor').split(',') as RunnerName[];
if (pair.length !== 2 || pair.some((name) => !RUNNERS.includes(name)) || pair[0] === pair[1]) {
  console.error(`--pair: two different runners of ${RUNNERS.join(', ')}, as in --pair squall,floor`);
  process.exit(2);
}
const vus = Number(argument('--vus', '4'));
const warmupMs = Number(argument('--warmup', '6')) * 1000;
const measureMs = Number(argument('--measure', '25')) * 1000;
const rounds = Number(argument('--rounds', '2'));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One runner's VUs on one browser; `orders()` counts what they ordered (the floor's: what the shop saw, less the other side's). */
interface Side {
  name: RunnerName;
  pid: number;
  orders(): number;
  stop(): Promise<void>;
}

async function startSide(name: RunnerName, app: DemoApp, loaded: LoadedScenario, others: () => number): Promise<Side> {
  const chromium = await launchBrowser(HEADLESS_SHELL);
  const side = { name, pid: chromium.pid! };
  if (name === 'floor') {
    for (let vu = 0; vu < vus; vu++) {
      await startFloorVu(chromium.browser, app.url, THINK_MS);
      await sleep(VU_SPACING_MS);
    }
    return { ...side, orders: () => (app.stats()['POST /api/cart']?.hits ?? 0) - others(), stop: () => chromium.close() };
  }
  let orders = 0;
  const users = Array.from(
    { length: vus },
    (_, index) =>
      new VirtualUser({
        id: index + 1,
        browser: chromium.browser,
        scenario: loaded.scenario,
        flows: new FlowPicker(loaded.flows, index),
        env: { TARGET: app.url, THINK_MS: String(THINK_MS) },
        now: () => Date.now(),
        events: {
          iterationStarted: () => {},
          iterationEnded: () => {},
          stepEnded: (outcome) => {
            if (outcome.name === 'order' && !outcome.error) orders += 1;
          },
          // A VU collects browser metrics when someone listens for them, as the agent does.
          ...(name === 'squall' ? { requestsObserved: () => {}, pageViewEnded: () => {} } : {}),
        },
      }),
  );
  const running: Array<Promise<void>> = [];
  for (const user of users) {
    running.push(user.run());
    await sleep(VU_SPACING_MS);
  }
  return {
    ...side,
    orders: () => orders,
    stop: async () => {
      users.forEach((user) => user.stopAfterIteration());
      await Promise.allSettled(running);
      await chromium.close();
    },
  };
}

const app = await startDemoApp({ latencyMs: { 'GET /api/products': 0, 'POST /api/cart': ORDER_DELAY_MS } });
const bundleDir = mkdtempSync(join(tmpdir(), 'squall-paired-'));
const perOrder = new Map<RunnerName, number[]>(pair.map((name) => [name, []]));
try {
  const bundle = await bundleScenario(fileURLToPath(new URL('shop-order.scenario.ts', import.meta.url)), bundleDir);
  const loaded = await loadScenario(bundle.path, bundle.displayPath, 'scenario');
  console.error(`paired: ${pair.join(' and ')} at once, ${vus} VUs each, ${warmupMs / 1000} s warm-up, ${measureMs / 1000} s measured, ${rounds} round(s)`);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? pair : [pair[1]!, pair[0]!];
    const sides: Side[] = [];
    const squallOrders = () => sides.filter((s) => s.name !== 'floor').reduce((sum, s) => sum + s.orders(), 0);
    for (const name of order) sides.push(await startSide(name, app, loaded, squallOrders));
    await sleep(warmupMs);
    const from = sides.map((side) => ({ ticks: treeCpuTicks(side.pid, /^$/, true), orders: side.orders() }));
    await sleep(measureMs);
    const to = sides.map((side) => ({ ticks: treeCpuTicks(side.pid, /^$/, true), orders: side.orders() }));
    sides.forEach((side, index) => {
      const orders = to[index]!.orders - from[index]!.orders;
      const ms = treeCpuMs(from[index]!.ticks, to[index]!.ticks) / Math.max(1, orders);
      perOrder.get(side.name)!.push(ms);
      console.error(`  round ${round + 1}: ${side.name.padEnd(10)} ${orders} orders, Chromium ${ms.toFixed(1)} CPU ms/order`);
    });
    await Promise.all(sides.map((side) => side.stop()));
  }
} finally {
  await app.close();
  rmSync(bundleDir, { recursive: true, force: true });
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const [a, b] = pair.map((name) => mean(perOrder.get(name)!));
const ratios = perOrder.get(pair[0]!)!.map((ms, round) => (ms / perOrder.get(pair[1]!)![round]!).toFixed(3)).join(', ');
console.log(`Chromium CPU ms per order, mean of ${rounds} round(s): ${pair[0]} ${a!.toFixed(1)}, ${pair[1]} ${b!.toFixed(1)}; ${pair[0]}/${pair[1]} ${(a! / b!).toFixed(3)}x (rounds: ${ratios})`);
