// A VU worker: its own Chromium, running the VUs the agent's thread gives it
// over a message port. Several run as worker threads, each with its own event
// loop, so one browser's DevTools traffic never queues behind another's; a lone
// one runs in the agent's own thread (vu-worker-pool.ts), the same messages
// over a MessageChannel.
import type { MessagePort } from 'node:worker_threads';
import type { Scenario } from '../src/scenario/index.js';
import { loadScenario } from '../src/scenario/load.js';
import type { ScenarioFlows } from '../src/scenario/flows.js';
import { FlowPicker } from './flow-picker.js';
import { launchBrowser } from './browser.js';
import type { RunningChromium } from './chromium-start.js';
import type { FromVuWorker, ToVuWorker, VuWorkerInit } from './vu-worker-messages.js';
import { DEFAULT_EVIDENCE_PER_ERROR, EvidenceBudget } from './evidence.js';
import { VirtualUser, type VuEvents } from './vu.js';
import { describeError } from './describe-error.js';
import { installFeeds, WorkerFeeds } from './feeds/feed-hook.js';
import { keepGoingOnUnhandledRejections } from './unhandled.js';

export async function runVuWorker(port: MessagePort, init: VuWorkerInit): Promise<void> {
  const post = (message: FromVuWorker) => port.postMessage(message);
  let chromium: RunningChromium;
  let scenario: Scenario;
  let flows: ScenarioFlows;
  // Before the scenario loads: its feeders find the hook when a VU asks them for a row.
  const feeds = new WorkerFeeds((request, spec, vu) => post({ kind: 'feed-take', request, spec, vu }));
  installFeeds(feeds);
  port.on('message', (message: ToVuWorker) => {
    if (message.kind === 'feed-row') feeds.answer(message);
  });
  keepGoingOnUnhandledRejections((message) => post({ kind: 'warn', message }));
  try {
    ({ scenario, flows } = await loadScenario(init.scenarioPath, init.scenarioPath, 'scenario'));
    chromium = await launchBrowser(init.browserPath, scenario.options?.browser, (message, attempt) => post({ kind: 'launch-retry', attempt, message }));
  } catch (error) {
    post({ kind: 'failed', message: describeError(error).message });
    return;
  }
  chromium.browser.on('disconnected', () => post({ kind: 'browser-exited' }));
  const worker = new VuWorker(scenario, flows, chromium, port, post);
  port.on('message', (message: ToVuWorker) => worker.handle(message));
  post({ kind: 'ready', chromium: await chromium.browser.version(), pid: chromium.pid });
}

class VuWorker {
  private readonly vus = new Map<number, VirtualUser>();
  /** filled in at start-load; arrival-rate VUs are made before it and read it at their first iteration */
  private readonly env: Record<string, string> = {};
  private readonly secrets: Record<string, string> = {};
  private setupData: unknown;
  private clockOffsetMs = 0;
  private readonly events: VuEvents;
  /** shared by this worker's VUs; the agent holds them all to the same limit again */
  private readonly evidenceBudget: EvidenceBudget;

  constructor(
    private readonly scenario: Scenario,
    private readonly flows: ScenarioFlows,
    private readonly chromium: RunningChromium,
    private readonly port: MessagePort,
    private readonly post: (message: FromVuWorker) => void,
  ) {
    this.events = {
      iterationStarted: (vu, iteration, atMs, flow) => post({ kind: 'iteration-started', vu, iteration, atMs, ...(flow ? { flow } : {}) }),
      stepEnded: (outcome) => post({ kind: 'step-ended', outcome }),
      iterationEnded: (vu, iteration, atMs, result, flow) => post({ kind: 'iteration-ended', vu, iteration, atMs, result, ...(flow ? { flow } : {}) }),
      requestsObserved: (batch) => post({ kind: 'requests', batch }),
      pageViewEnded: (view) => post({ kind: 'page-view', view }),
      evidence: (evidence) => post({ kind: 'evidence', evidence }),
    };
    this.evidenceBudget = new EvidenceBudget(scenario.options?.metrics?.evidencePerError ?? DEFAULT_EVIDENCE_PER_ERROR);
  }

  handle(message: ToVuWorker): void {
    switch (message.kind) {
      case 'start-load':
        Object.assign(this.env, message.env);
        Object.assign(this.secrets, message.secrets);
        this.setupData = message.setupData;
        this.clockOffsetMs = message.clockOffsetMs;
        return;
      case 'start-vu':
        return this.startVu(message.vu, false, message.flows);
      case 'open-vu':
        return this.startVu(message.vu, true);
      case 'iterate':
        return this.vus.get(message.vu)?.go(message.flow);
      case 'stop-after-iteration':
        return this.vus.get(message.vu)?.stopAfterIteration();
      case 'interrupt':
        return this.vus.get(message.vu)?.interrupt();
      case 'close':
        return this.close();
      default:
        return;
    }
  }

  private startVu(id: number, onDemand: boolean, flowNames?: readonly string[]): void {
    const now = () => Date.now() + this.clockOffsetMs;
    const vu = new VirtualUser({
      id,
      browser: this.chromium.browser,
      scenario: this.scenario,
      // VUs start at different turns of the mix, so the first iterations of a run are mixed too.
      flows: new FlowPicker(flowNames ? { ...this.flows, flows: this.flows.flows.filter((f) => flowNames.includes(f.name)) } : this.flows, id - 1),
      env: this.env,
      secrets: this.secrets,
      setupData: this.setupData,
      now,
      events: this.events,
      evidenceBudget: this.evidenceBudget,
      ...(onDemand ? { onDemand: { ready: () => this.post({ kind: 'vu-ready', vu: id }) } } : {}),
    });
    this.vus.set(id, vu);
    vu.run()
      .then(
        () => this.post({ kind: 'vu-ended', vu: id }),
        (error: unknown) => this.post({ kind: 'vu-ended', vu: id, error: describeError(error).message }),
      )
      .finally(() => this.vus.delete(id));
  }

  private close(): void {
    for (const vu of this.vus.values()) vu.interrupt();
    void this.chromium
      .close()
      .catch(() => {})
      .finally(() => {
        this.post({ kind: 'closed' });
        this.port.close();
      });
  }
}
