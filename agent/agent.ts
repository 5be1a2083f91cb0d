// One agent's life: connect, launch Chromium and load the scenario, report
// ready, run its share of the load from the common t0, stream windows, and
// leave nothing running behind.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Redactor } from '../src/secrets/redact.js';
import { FeedRows } from './feeds/feed-rows.js';
import { LeaseClient } from './feeds/leases.js';
import { findBrowser } from '../src/browser-path.js';
import type { AgentConfig } from '../src/protocol/agent-config.js';
import { loadScenario, type LoadedScenario } from '../src/scenario/load.js';
import { launchFailureNotice, launchRetryNotice } from './browser.js';
import { AgentControl } from './control.js';
import { runLoad } from './load.js';
import { hostFacts } from './monitor.js';
import { Uplink } from './uplink.js';
import { onceEach } from './unhandled.js';
import { describeError } from './describe-error.js';
import { VuWorkerPool, vuWorkersFor, type OnDemandVu } from './vu-worker-pool.js';

export type AgentExit = { code: number; reason: string };

const LOST: AgentExit = { code: 3, reason: 'lost the controller' };

/** `script` is this agent's own bundle: its VU workers run it too. */
export async function runAgent(config: AgentConfig, script: string, rawLog: (line: string) => void): Promise<AgentExit> {
  // Once the start brings secrets, the agent's own lines have them masked as its frames do.
  let redactor: Redactor | undefined;
  const log = (line: string) => rawLog(redactor ? redactor.text(line) : line);
  const control = new AgentControl();
  let activeVus = () => 0;
  const uplink = new Uplink({
    url: () => controllerUrl(config),
    token: config.token,
    runId: config.runId,
    agentId: config.agentId,
    facts: hostFacts,
    heartbeatMs: config.heartbeatMs,
    lostControllerMs: config.lostControllerMs,
    activeVus: () => activeVus(),
    onMessage: (message) => control.receive(message),
    onLost: () => control.lost(),
  });
  // Chromium starts while the link comes up: from a host far from the controller the
  // connection's round trips through the SSH forward cost about as long as the browser's start.
  const connecting = uplink.connect();
  const setup = await setUpAgent(config, script, uplink, log);
  // Never reached at all within the grace: nothing to report to; the browser goes.
  if (!(await connecting)) {
    if ('pool' in setup) await setup.pool.close();
    return LOST;
  }
  // The last windows wait for their acks as long as the link may come back: until the uplink's own
  // deadline (its grace counted from when it dropped) ends the wait, or this bound does.
  const finish = (exit: AgentExit) => finishWith(uplink, exit, 2 * config.lostControllerMs);
  if ('failure' in setup) return finish(failWith(uplink, setup.failure));
  const { pool, loaded } = setup;
  pool.onWarning = onceEach((message) => {
    log(message);
    uplink.send({ type: 'event', level: 'warn', message });
  });
  // Feeders' rows: the data files beside the scenario bundle, unique rows leased from the controller.
  const leases = new LeaseClient(uplink);
  control.onGrant = (grant) => leases.granted(grant);
  pool.serveFeeds(new FeedRows(dirname(config.scenarioPath), leases));
  try {
    const preAllocated = await preAllocate(pool, config, log);
    if ('failure' in preAllocated) return await finish(failWith(uplink, preAllocated.failure));
    uplink.send({ type: 'ready', chromium: pool.chromium, scenario: loaded.name });
    const next = await control.awaitStart();
    if (next.kind === 'lost') return LOST;
    if (next.kind === 'stopped') return await finish({ code: 0, reason: 'stopped before start' });
    redactor = new Redactor(Object.values(next.start.secrets ?? {}));
    uplink.maskSecrets(redactor);
    const metrics = loaded.scenario.options?.metrics;
    const load = runLoad({
      start: next.start,
      pool,
      preAllocated: preAllocated.vus,
      uplink,
      control,
      agentId: config.agentId,
      log,
      activeVus: (count) => (activeVus = count),
      metrics,
      leases,
    });
    const outcome = await Promise.race([load, control.whenLost().then(() => LOST)]);
    activeVus = () => 0;
    return outcome === LOST ? LOST : await finish(outcome);
  } finally {
    await pool.close();
  }
}

type AgentSetup = { pool: VuWorkerPool; loaded: LoadedScenario } | { failure: string };

/** Finds Chromium, loads the scenario and starts the VU workers; or says why it cannot. */
async function setUpAgent(config: AgentConfig, script: string, uplink: Uplink, log: (line: string) => void): Promise<AgentSetup> {
  const found = findBrowser(config.browserPath);
  if ('error' in found) return { failure: found.error };
  let loaded: LoadedScenario;
  try {
    loaded = await loadScenario(config.scenarioPath, config.scenarioPath, 'scenario');
  } catch (error) {
    return { failure: describeError(error).message };
  }
  const retrying = (message: string, attempt: number) => {
    const line = launchRetryNotice(found.path, message, attempt);
    log(line);
    uplink.send({ type: 'event', level: 'warn', message: line });
  };
  try {
    const workers = vuWorkersFor(config.peakVus, undefined, config.vuWorkers);
    const pool = await VuWorkerPool.launch(script, workers, { browserPath: found.path, scenarioPath: config.scenarioPath }, retrying);
    return { pool, loaded };
  } catch (error) {
    return { failure: launchFailureNotice(found.path, describeError(error).message) };
  }
}

/** An arrival-rate run's first VUs, made before the agent says ready: the first arrivals must find them. */
async function preAllocate(pool: VuWorkerPool, config: AgentConfig, log: (line: string) => void): Promise<{ vus: OnDemandVu[] } | { failure: string }> {
  const vus = config.preAllocated.flatMap(({ firstVu, count }) => Array.from({ length: count }, (_, i) => pool.openVu(firstVu + i)));
  if (vus.length === 0) return { vus };
  const startedAt = Date.now();
  const settled = await Promise.allSettled(vus.map((vu) => vu.ready));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) return { failure: `could not make the pre-allocated VUs: ${describeError(failed.reason).message}` };
  log(`${vus.length} VUs pre-allocated in ${Date.now() - startedAt} ms`);
  return { vus };
}

/** The controller hears of the failure as an error event. */
function failWith(uplink: Uplink, message: string): AgentExit {
  uplink.send({ type: 'event', level: 'error', message });
  return { code: 1, reason: message };
}

/** The controller's URL now: from its file when it has one (rewritten when an SSH forward is re-dialled). */
function controllerUrl(config: AgentConfig): string {
  if (!config.controllerUrlFile) return config.controllerUrl;
  try {
    return readFileSync(config.controllerUrlFile, 'utf8').trim() || config.controllerUrl;
  } catch {
    return config.controllerUrl;
  }
}

async function finishWith(uplink: Uplink, exit: AgentExit, timeoutMs: number): Promise<AgentExit> {
  const delivered = await uplink.allAcked(timeoutMs);
  uplink.close();
  return delivered ? exit : { code: 3, reason: `${exit.reason}; ${uplink.pendingAcks} messages never acked` };
}
