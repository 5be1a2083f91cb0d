// A synthetic long run in a store, made with the store's own writer, for
// measuring `squall report` on it: `tsx scripts/bench/long-store.ts <db> <days> <agents> [windowS]`.
// Each window: two steps (one failing now and then), three request labels,
// page views; as an agent of the shop flow sends at a few VUs. Prints the run id.
import { WindowAggregator } from '../../src/metrics/window.js';
import { PROTOCOL_VERSION, type WindowBody } from '../../src/protocol/messages.js';
import { RunStore } from '../../controller/store/store.js';
import { finishSeries } from '../../controller/store/rollups.js';

const [db, days, agentCount, windowS] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] ?? 2)];
const windowMs = windowS * 1000;
const windows = Math.round((days * 86_400_000) / windowMs);
const runId = `long-${days}d-${agentCount}a`;
const startedAt = Date.UTC(2026, 10, 1);
const RESOURCES = { hostCpuPct: 40, agentCpuPct: 30, agentRssMb: 400, hostMemUsedPct: 50, loopLagMs: 3 };

/** A few distinct window shapes, so the store is not one repeated text. */
const templates: WindowBody[] = Array.from({ length: 16 }, (_, k) => {
  const aggregator = new WindowAggregator(windowMs, 0);
  aggregator.activeVusChanged(4, 0);
  for (let i = 0; i < 6; i += 1) {
    aggregator.iterationStarted(i);
    aggregator.stepSucceeded('home', i, 120 + ((k * 7 + i * 13) % 90));
    if ((k + i) % 11 === 0) aggregator.stepFailed('add to cart', i, 'TimeoutError', 'Waiting for selector `#cart` failed');
    else aggregator.stepSucceeded('add to cart', i, 300 + ((k * 5 + i * 17) % 120));
    for (const path of ['/', '/api/products', '/api/cart']) {
      aggregator.requestObserved(`http://shop${path}`, 'home', { url: `http://shop${path}`, method: path === '/api/cart' ? 'POST' : 'GET', status: 200, bytes: 900 + k, cached: false, phases: { ttfb: 40 + k + i, total: 60 + k + i } }, i);
    }
    aggregator.pageViewed('home', { LCP: 300 + k * 3, FCP: 200 + k, CLS: 0.01, TTFB: 40 + k }, i);
    aggregator.iterationEnded(i, (k + i) % 11 !== 0);
  }
  return aggregator.takeAll(windowMs - 1, () => RESOURCES)[0]!;
});

const store = RunStore.open(db);
const plan = { startVus: 4 * agentCount, stages: [{ durationMs: windows * windowMs, target: 4 * agentCount }], gracefulStopMs: 0 };
store.createRun({ id: runId, scenario: 'long soak', scenarioPath: '/dev/null', startedAt, status: 'running', windowMs, plan, config: { envKeys: [], outDir: '/dev/null', thresholds: [] } });
const started = Date.now();
const BATCH = 20_000;
for (let agent = 0; agent < agentCount; agent += 1) {
  const agentId = `agent-${agent}`;
  store.upsertAgent(runId, { agentId, host: `host-${agent}`, plannedVus: 4, status: 'done', reconnects: 0, expectedWindows: windows });
  for (let from = 0; from < windows; from += BATCH) {
    store.batch(() => {
      for (let w = from; w < Math.min(windows, from + BATCH); w += 1) {
        const windowStart = startedAt + w * windowMs;
        const body = { ...templates[(w + agent) % templates.length]!, windowStart };
        const frame = JSON.stringify({ type: 'window', window: body, protocol: PROTOCOL_VERSION, runId, agentId, seq: w + 2 });
        store.saveWindow(runId, agentId, w + 2, windowStart, frame, windowStart + windowMs);
      }
    });
  }
  process.stderr.write(`agent ${agent + 1}/${agentCount}: ${windows} windows, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
// The run's end, as a run's own: the merged series, and a long run's spans and tallies.
const ending = Date.now();
finishSeries(store, { id: runId, windowMs });
process.stderr.write(`the run's end (merged series, spans): ${((Date.now() - ending) / 1000).toFixed(1)} s\n`);
store.finishRun(runId, 'completed', startedAt + windows * windowMs);
store.close();
process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.stdout.write(`${runId}\n`);
