// One agent's life: connect, launch Chromium and load the scenario, report
// ready, run its share of the load from the common t0, stream windows, and
// leave nothing running behind.
import type { AgentConfig } from '../src/protocol/agent-config.js';
import type { ControllerMessage, StartMessage, WindowBody } from '../src/protocol/messages.js';
import { WindowAggregator } from '../src/metrics/window.js';
import { loadScenario, type LoadedScenario } from '../src/scenario/load.js';
import { VuWorkerPool, workersFor } from './worker-pool.js';
import { findBrowser } from './browser-path.js';
import { launchFailureNotice, launchRetryNotice } from './browser.js';
import { ResourceMonitor, hostFacts } from './monitor.js';
import { SaturationGuard } from './saturation.js';
import { REFERENCE_LATENCY, startDemoApp } from '../scripts/demo/server.js';
import { recorderFor } from './recorder.js';
import { VuScheduler } from './scheduler.js';
import { Uplink } from './uplink.js';
import { describeError } from './vu.js';

/** Time the controller gets to ack the last windows before the agent gives up on them. */
const FINAL_ACK_TIMEOUT_MS = 30_000;

export type AgentExit = { code: number; reason: string };

/** `script` is this agent's own bundle: VU workers run it too. */
export async function runAgent(config: AgentConfig, script: string, log: (line: string) => void): Promise<AgentExit> {
  let onControl: (message: ControllerMessage) => void = () => {};
  let lost!: () => void;
  const controllerLost = new Promise<AgentExit>((resolve) => {
    lost = () => resolve({ code: 3, reason: 'lost the controller' });
  });
  let scheduler: VuScheduler | undefined;
  const uplink = new Uplink({
    url: config.controllerUrl,
    token: config.token,
    runId: config.runId,
    agentId: config.agentId,
    facts: hostFacts,
    heartbeatMs: config.heartbeatMs,
    lostControllerMs: config.lostControllerMs,
    activeVus: () => scheduler?.active ?? 0,
    onMessage: (message) => onControl(message),
    onLost: () => lost(),
  });
  const fail = (message: string): AgentExit => {
    uplink.send({ type: 'event', level: 'error', message });
    return { code: 1, reason: message };
  };

  await uplink.connect();
  let pool: VuWorkerPool | undefined;
  const demo = config.serveDemo ? await startDemoApp({ latencyMs: REFERENCE_LATENCY }) : undefined;
  try {
    const found = findBrowser(config.browserPath);
    if ('error' in found) return await finish(uplink, fail(found.error));
    let loaded: LoadedScenario;
    try {
      loaded = await loadScenario(config.scenarioPath, config.scenarioPath, 'scenario');
    } catch (error) {
      return await finish(uplink, fail(describeError(error).message));
    }
    try {
      const retrying = (message: string, attempt: number) => {
        const line = launchRetryNotice(found.path, message, attempt);
        log(line);
        uplink.send({ type: 'event', level: 'warn', message: line });
      };
      pool = await VuWorkerPool.launch(
        script,
        workersFor(config.peakVus, undefined, config.browsers),
        { browserPath: found.path, scenarioPath: config.scenarioPath },
        retrying,
      );
    } catch (error) {
      return await finish(uplink, fail(launchFailureNotice(found.path, describeError(error).message)));
    }
    const started = new Promise<StartMessage | undefined>((resolve) => {
      onControl = (message) => {
        if (message.type === 'start') resolve(message);
        if (message.type === 'stop') resolve(undefined);
      };
    });
    uplink.send({ type: 'ready', chromium: pool.chromium, scenario: loaded.name });
    const start = await Promise.race([started, controllerLost.then(() => undefined)]);
    if (!start) return await finish(uplink, { code: 0, reason: 'stopped before start' });
    const outcome = await Promise.race([runLoad(demo ? { ...start, env: { ...start.env, TARGET: demo.url } } : start, pool, loaded, uplink, log), controllerLost]);
    scheduler = undefined;
    if (outcome.code === 3) return outcome;
    return await finish(uplink, outcome);
  } finally {
    await pool?.close();
    await demo?.close();
  }

  async function runLoad(
    start: StartMessage,
    pool: VuWorkerPool,
    loaded: LoadedScenario,
    uplink: Uplink,
    log: (line: string) => void,
  ): Promise<AgentExit> {
    const offset = start.controllerNow - Date.now();
    const now = () => Date.now() + offset;
    const aggregator = new WindowAggregator(start.windowMs, start.t0);
    const monitor = new ResourceMonitor();
    const guard = new SaturationGuard();
    const events = recorderFor(aggregator);
    let windowsSent = 0;
    // Each agent reports a little after the boundary, by an offset of its own:
    // thousands of agents closing the same window do not all land at once.
    const reportDelay = reportOffsetMs(config.agentId, start.windowMs);
    const send = (windows: WindowBody[]) => {
      for (const window of windows) {
        window.saturated = guard.observe(window.resources);
        uplink.send({ type: 'window', window });
        windowsSent += 1;
      }
    };
    const sendClosed = () => {
      send(aggregator.takeClosed(now() - reportDelay, () => monitor.sample()));
    };
    const sched = new VuScheduler({
      plan: start.plan,
      t0: start.t0,
      now,
      firstVu: start.firstVu,
      createVu: (id) => pool.createVu(id),
      onActiveChange: (active) => aggregator.activeVusChanged(active, now()),
      onVuError: (id, error) => log(`VU ${id} stopped: ${describeError(error).message}`),
    });
    scheduler = sched;
    let stopReason = 'plan complete';
    onControl = (message) => {
      if (message.type === 'stop') {
        stopReason = message.reason;
        sched.stop();
      }
    };
    pool.startLoad(start.env, offset, events, () => {
      stopReason = 'Chromium exited';
      sched.abort();
    });
    await sleepUntil(start.t0, now);
    sched.start();
    const windowTimer = setInterval(sendClosed, 250);
    await sched.done;
    clearInterval(windowTimer);
    send(aggregator.takeAll(now(), () => monitor.sample()));
    monitor.stop();
    uplink.send({ type: 'bye', windows: windowsSent, reason: stopReason });
    return { code: stopReason === 'Chromium exited' ? 1 : 0, reason: stopReason };
  }
}

async function finish(uplink: Uplink, exit: AgentExit): Promise<AgentExit> {
  const delivered = await uplink.allAcked(FINAL_ACK_TIMEOUT_MS);
  uplink.close();
  return delivered ? exit : { code: 3, reason: `${exit.reason}; ${uplink.pendingAcks} messages never acked` };
}

/** Up to 2 s, or a fifth of short windows, spread by a hash of the agent id. */
export function reportOffsetMs(agentId: string, windowMs: number): number {
  let hash = 0;
  for (let i = 0; i < agentId.length; i += 1) hash = (hash * 31 + agentId.charCodeAt(i)) >>> 0;
  return hash % Math.min(2000, Math.floor(windowMs / 5));
}

function sleepUntil(at: number, now: () => number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - now())));
}
