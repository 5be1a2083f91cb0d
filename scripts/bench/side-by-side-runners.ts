// The runners of scripts/bench/side-by-side.ts. Each starts its VUs 100 ms
// apart (as squall does), calls spanStarts once they have run for the
// warm-up, spanEnds measureMs later, then stops.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { launchBrowser } from '../../agent/browser.js';
import { runLoadTest } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';
import type { Scenario } from '../../src/scenario/index.js';
import { launchCompetentBrowser } from './runners/baselines.js';
import shopOrder from './shop-order.scenario.js';

export interface OrderRun {
  target: string;
  vus: number;
  thinkMs: number;
  warmupMs: number;
  measureMs: number;
}

export interface SpanHooks {
  spanStarts(): void;
  spanEnds(): void;
}

export interface OrderRunner {
  name: string;
  available(): boolean;
  run(run: OrderRun, hooks: SpanHooks): Promise<void>;
}

/** The flow's shape, as the issue that asked for these benchmarks measured it. */
export const THINK_MS = 300;
export const ORDER_DELAY_MS = 300;
export const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
export const VU_SPACING_MS = 100;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long a run lasts: the warm-up, the span, and 2 s to spare. */
function runSeconds(run: OrderRun): number {
  return Math.ceil((run.warmupMs + run.measureMs) / 1000) + 2;
}

/** Calls the hooks at the span's edges, counted from `startedAt` (when the first VU started). */
async function span(run: OrderRun, hooks: SpanHooks, startedAt = Date.now()): Promise<void> {
  await sleep(startedAt + run.warmupMs - Date.now());
  hooks.spanStarts();
  await sleep(run.measureMs);
  hooks.spanEnds();
}

/**
 * The flow as the page's own script: the shop in a frame of the page, loaded,
 * thought about and ordered from, forever. A string: a compiled function would
 * carry the compiler's helpers into the page.
 */
const DRIVE_SHOP = `(thinkMs) => {
  const frame = document.createElement('iframe');
  frame.width = '1280';
  frame.height = '720';
  document.body.replaceChildren(frame);
  const until = (root, test) => new Promise((resolve) => {
    if (test()) return resolve();
    const observer = new MutationObserver(() => {
      if (!test()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(root, { childList: true, subtree: true, attributes: true });
  });
  (async () => {
    for (;;) {
      await new Promise((loaded) => { frame.onload = loaded; frame.src = '/'; });
      const shop = frame.contentDocument;
      await until(shop, () => shop.querySelector('#app li') !== null);
      await new Promise((thought) => setTimeout(thought, thinkMs));
      const cart = shop.getElementById('cart');
      const seq = Number(cart.dataset.seq);
      shop.getElementById('add').click();
      await until(cart, () => cart.dataset.seq === String(seq + 1));
    }
  })();
}`;

/** One floor VU: a context and a page of its own, whose script runs the flow from then on. */
export async function startFloorVu(browser: Browser, target: string, thinkMs: number): Promise<void> {
  const page = await (await browser.createBrowserContext()).newPage();
  await page.goto(`${target}/robots.txt`);
  await page.evaluate(`(${DRIVE_SHOP})(${thinkMs})`);
}

const floor: OrderRunner = {
  name: 'floor',
  available: () => true,
  async run(run, hooks) {
    // squall's own browser: the same flags, so the floor differs from squall by the harness alone.
    const chromium = await launchBrowser(HEADLESS_SHELL);
    try {
      const startedAt = Date.now();
      for (let vu = 0; vu < run.vus; vu++) {
        await startFloorVu(chromium.browser, run.target, run.thinkMs);
        await sleep(startedAt + (vu + 1) * VU_SPACING_MS - Date.now());
      }
      await span(run, hooks, startedAt);
    } finally {
      await chromium.close();
    }
  },
};

/** One iteration of squall's own scenario file, its steps and thinks plain calls: the same flow, no harness. */
function orderOnce(page: Page, run: OrderRun, vu: number, iteration: number): Promise<void> {
  return (shopOrder as Scenario).run!({
    page,
    env: { TARGET: run.target, THINK_MS: String(run.thinkMs) },
    secrets: {},
    vu,
    iteration,
    signal: new AbortController().signal,
    step: async (_name, fn) => fn(),
    think: (ms) => sleep(typeof ms === 'number' ? ms : ms[0]),
  });
}

const competent: OrderRunner = {
  name: 'competent',
  available: () => true,
  async run(run, hooks) {
    const browser = await launchCompetentBrowser();
    let running = true;
    try {
      const startedAt = Date.now();
      const vus = Array.from({ length: run.vus }, async (_, vu) => {
        await sleep(vu * VU_SPACING_MS);
        const context = await browser.createBrowserContext();
        const page = await context.newPage();
        for (let iteration = 0; running; iteration += 1) await orderOnce(page, run, vu + 1, iteration).catch(() => {});
      });
      await span(run, hooks, startedAt);
      running = false;
      await Promise.all(vus);
    } finally {
      await browser.close();
    }
  },
};

function squallRunner(name: string, scenario: string): OrderRunner {
  return {
    name,
    available: () => true,
    async run(run, hooks) {
      const dir = mkdtempSync(join(tmpdir(), 'squall-side-by-side-'));
      let measured: Promise<void> | undefined;
      try {
        await runLoadTest(
          {
            scenario: fileURLToPath(new URL(scenario, import.meta.url)),
            flags: { vus: run.vus, duration: `${runSeconds(run)}s` },
            env: { TARGET: run.target, THINK_MS: String(run.thinkMs) },
            out: join(dir, 'out'),
            db: join(dir, 'runs.db'),
            dashboard: false,
          },
          memoryIo(),
          { started: (t0) => (measured = span(run, hooks, t0)) },
        );
        await measured;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Where Artillery is installed: ARTILLERY_DIR (its node_modules hold artillery and playwright). */
function artilleryBin(): string | undefined {
  const dir = process.env.ARTILLERY_DIR;
  const bin = dir && join(dir, 'node_modules', '.bin', 'artillery');
  return bin && existsSync(bin) ? bin : undefined;
}

/** Artillery's Playwright engine running scripts/bench/artillery/shop.yml, where ARTILLERY_DIR has it. */
const artillery: OrderRunner = {
  name: 'artillery',
  available: () => artilleryBin() !== undefined,
  async run(run, hooks) {
    const bin = artilleryBin();
    if (!bin) throw new Error('artillery: set ARTILLERY_DIR to a folder where `npm install artillery@2.0.21` was run');
    const config = (name: string) => fileURLToPath(new URL(`artillery/${name}`, import.meta.url));
    const child = spawn(bin, ['run', config('shop.yml')], {
      env: {
        ...process.env,
        TARGET: run.target,
        VUS: String(run.vus),
        THINK_MS: String(run.thinkMs),
        DURATION: String(runSeconds(run)),
        // flow.cjs requires playwright from Artillery's folder; no usage ping that waits on a network it cannot reach.
        NODE_PATH: join(process.env.ARTILLERY_DIR!, 'node_modules'),
        NODE_OPTIONS: `--require ${config('no-phone-home.cjs')}`,
        ARTILLERY_DISABLE_TELEMETRY: 'true',
      },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // Its start-up (about 3 s) is inside the warm-up.
      await span(run, hooks);
      await exited;
    } finally {
      child.kill('SIGKILL');
    }
  },
};

export const SIDE_BY_SIDE_RUNNERS: readonly OrderRunner[] = [
  floor,
  squallRunner('squall', 'shop-order.scenario.ts'),
  squallRunner('squall-off', 'shop-order-no-metrics.scenario.ts'),
  competent,
  artillery,
];
