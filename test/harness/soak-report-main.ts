// Builds and renders the report of a soak, N windows of one agent, on a
// process's main thread: its stack is the one `squall report` has (a vitest
// worker thread's is four times larger and hides a spread that overflows).
// Prints one JSON line: the step's count, the series length, the HTML's size.
import { windowOf } from './fake-agent.js';
import { PLAN } from './store.js';
import { mergeAgentWindows } from '../../src/metrics/merge.js';
import { buildReport } from '../../controller/report/build.js';
import { renderReport } from '../../controller/report/outputs.js';

const windowsCount = Number(process.argv[2]);
const windowMs = 2000;
const template = windowOf(0, windowMs, [100, 120]);
const bodies = Array.from({ length: windowsCount }, (_, i) => ({ ...template, windowStart: i * windowMs }));
const report = buildReport({
  run: { id: 'soak', scenario: 'soak', scenarioPath: '/dev/null', startedAt: 0, endedAt: windowsCount * windowMs, status: 'completed', windowMs, plan: PLAN, config: { envKeys: [], outDir: '/dev/null', thresholds: [] } },
  agents: [{ agentId: 'a1', host: 'h1', plannedVus: 1, status: 'lost', lostAt: windowsCount * windowMs, reconnects: 0 }],
  windows: bodies.map((body) => mergeAgentWindows([body])),
  agentWindows: bodies.map((body) => ({ agentId: 'a1', body })),
  thresholds: [],
});
const html = renderReport(report, 'html');
process.stdout.write(`${JSON.stringify({ count: report.steps[0]?.count, series: report.series.length, undelivered: report.agents[0]?.loss?.undeliveredWindows, htmlEnds: html.trimEnd().endsWith('</html>') })}\n`);
