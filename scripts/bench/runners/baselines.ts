// The hand-written baselines squall is measured against, in the same run:
//  - competent: a plain puppeteer-core loop on one headless shell, a browser
//    context per VU (what a careful engineer writes in an afternoon);
//  - naive: a full Chromium browser per VU, as Selenium- and k6-style runners
//    do, launched afresh for every iteration and closed after it as k6's
//    browser module does (grafana/k6#4415);
//  - naive-kept: the same, but each VU keeps its browser for the whole run, as
//    a Selenium loop that creates its driver once per thread does: the kinder
//    variant.
// All run the same reference scenario code, timing steps with performance.now().
import { performance } from 'node:perf_hooks';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Scenario, ScenarioContext } from '../../../src/scenario/index.js';
import reference from '../../../controller/calibrate/reference.scenario.js';
import { exactPercentile, FIDELITY_STEP, referenceEnv, type MeasureOptions, type PointResult, type Runner } from './types.js';
import { probeWindow } from './window-probe.js';

const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
export const FULL_CHROMIUM = '/usr/bin/chromium';
const COMMON_ARGS = ['--no-sandbox', '--disable-dev-shm-usage'];
/** squall's default viewport: the same pixels to paint for every runner. */
const VIEWPORT = { width: 1280, height: 720 };

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

type Opened = { page: Page; close: () => Promise<void> };
type OpenPage = (vu: number) => Promise<Opened>;
/** How long a VU keeps what `open` gave it: the whole run, or one iteration. */
type PageLifetime = 'run' | 'iteration';

async function loop(options: MeasureOptions, open: OpenPage, lifetime: PageLifetime): Promise<PointResult> {
  const scenario = reference as Scenario;
  const start = Date.now();
  const from = start + options.warmupMs;
  const until = from + options.measureMs;
  const probe = probeWindow(from, options.measureMs);
  const samples: Sample[] = [];
  const signal = new AbortController().signal;
  await Promise.all(
    Array.from({ length: options.vus }, async (_, index) => {
      // The same arrival as squall's (10 VU starts a second): only the runtime differs.
      await new Promise((resolve) => setTimeout(resolve, index * 100));
      let opened: Opened | undefined;
      for (let iteration = 0; Date.now() < until; iteration += 1) {
        opened ??= await open(index);
        const { page } = opened;
        const context: ScenarioContext = {
          page,
          env: referenceEnv(options),
          secrets: {},
          vu: index + 1,
          iteration,
          signal,
          step: async (name, fn) => {
            const began = performance.now();
            try {
              const value = await fn();
              if (name === FIDELITY_STEP) samples.push({ at: Date.now(), ms: performance.now() - began, ok: true });
              return value;
            } catch (error) {
              if (name === FIDELITY_STEP) samples.push({ at: Date.now(), ms: performance.now() - began, ok: false });
              throw error;
            }
          },
          think: (ms) => new Promise((resolve) => setTimeout(resolve, typeof ms === 'number' ? ms : ms[0])),
        };
        // The reference scenario is one `run`, not flows.
        await scenario.run!(context).catch(() => {});
        if (lifetime === 'iteration') {
          await opened.close();
          opened = undefined;
        }
      }
      await opened?.close();
    }),
  );
  const system = await probe.done;
  const inWindow = samples.filter((s) => s.at >= from && s.at <= until);
  const ok = inWindow.filter((s) => s.ok).map((s) => s.ms).sort((a, b) => a - b);
  return {
    vus: options.vus,
    p50: exactPercentile(ok, 0.5),
    p95: exactPercentile(ok, 0.95),
    samples: inWindow.length,
    failedPct: inWindow.length > 0 ? (100 * (inWindow.length - ok.length)) / inWindow.length : 0,
    span: { from, to: until },
    ...system,
  };
}

/** The competent loop's browser: one headless shell, launched as an afternoon's puppeteer code does. */
export function launchCompetentBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: HEADLESS_SHELL, headless: 'shell', args: COMMON_ARGS, defaultViewport: VIEWPORT });
}

export const competentRunner: Runner = {
  name: 'competent',
  describe: 'plain puppeteer-core loop: one headless shell, a context per VU',
  async measure(options) {
    const browser = await launchCompetentBrowser();
    try {
      return await loop(options, async () => {
        const context = await browser.createBrowserContext();
        return { page: await context.newPage(), close: () => context.close() };
      }, 'run');
    } finally {
      await browser.close();
    }
  },
};

function fullChromiumPerVu(name: string, describe: string, lifetime: PageLifetime): Runner {
  return {
    name,
    describe,
    async measure(options) {
      const browsers = new Set<Browser>();
      const launch = async (): Promise<Opened> => {
        const browser = await puppeteer.launch({ executablePath: FULL_CHROMIUM, headless: true, args: COMMON_ARGS, defaultViewport: VIEWPORT });
        browsers.add(browser);
        const page = (await browser.pages())[0] ?? (await browser.newPage());
        return {
          page,
          close: async () => {
            browsers.delete(browser);
            await browser.close().catch(() => {});
          },
        };
      };
      try {
        // Browsers kept for the run are launched before the clock starts, as squall's agent launches its own
        // before VU time zero; a browser per iteration is launched in the iteration, as k6's browser module does.
        const kept = lifetime === 'run' ? await Promise.all(Array.from({ length: options.vus }, launch)) : [];
        return await loop(options, async (vu) => kept[vu] ?? launch(), lifetime);
      } finally {
        await Promise.all([...browsers].map((b) => b.close().catch(() => {})));
      }
    },
  };
}

export const naiveRunner = fullChromiumPerVu('naive', 'a full Chromium per VU, launched for each iteration (k6-style)', 'iteration');
export const naiveKeptRunner = fullChromiumPerVu('naive-kept', 'a full Chromium per VU, kept for the whole run', 'run');
