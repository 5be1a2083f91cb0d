// A VU worker thread: one browser and the VUs the main thread gives it. Each
// worker has its own event loop, so one browser's DevTools traffic never
// queues behind another's.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '../src/scenario/load.js';
import { launchBrowser } from './browser.js';
import type { RunningChromium } from './chromium-start.js';
import type { FromVuHost, ToVuHost, VuHostInit } from './worker-messages.js';
import { VirtualUser, describeError } from './vu.js';

export async function runVuHost(): Promise<void> {
  const port = parentPort!;
  const init = workerData as VuHostInit;
  const post = (message: FromVuHost) => port.postMessage(message);
  let chromium: RunningChromium;
  let scenario;
  try {
    scenario = (await loadScenario(init.scenarioPath, init.scenarioPath, 'scenario')).scenario;
    chromium = await launchBrowser(init.browserPath, scenario.options?.browser, (message, attempt) => post({ kind: 'launch-retry', attempt, message }));
  } catch (error) {
    post({ kind: 'failed', message: describeError(error).message });
    return;
  }
  const browser = chromium.browser;
  browser.on('disconnected', () => post({ kind: 'browser-exited' }));
  const vus = new Map<number, VirtualUser>();
  let env: Record<string, string> = {};
  let offset = 0;
  const now = () => Date.now() + offset;
  const loaded = scenario;
  port.on('message', (message: ToVuHost) => {
    switch (message.kind) {
      case 'start-load':
        env = message.env;
        offset = message.clockOffsetMs;
        return;
      case 'start-vu': {
        const vu = new VirtualUser({
          id: message.vu,
          browser,
          scenario: loaded,
          env,
          now,
          events: {
            iterationStarted: (id, iteration, atMs) => post({ kind: 'iteration-started', vu: id, iteration, atMs }),
            stepEnded: (outcome) => post({ kind: 'step-ended', outcome }),
            iterationEnded: (id, iteration, atMs, result) => post({ kind: 'iteration-ended', vu: id, iteration, atMs, result }),
          },
        });
        vus.set(message.vu, vu);
        vu.run().then(
          () => post({ kind: 'vu-ended', vu: message.vu }),
          (error: unknown) => post({ kind: 'vu-ended', vu: message.vu, error: describeError(error).message }),
        ).finally(() => vus.delete(message.vu));
        return;
      }
      case 'stop-after-iteration':
        return vus.get(message.vu)?.stopAfterIteration();
      case 'interrupt':
        return vus.get(message.vu)?.interrupt();
      case 'close':
        for (const vu of vus.values()) vu.interrupt();
        void chromium.close().catch(() => {}).finally(() => {
          post({ kind: 'closed' });
          port.close();
        });
    }
  });
  post({ kind: 'ready', chromium: await browser.version(), pid: chromium.pid });
}
