// Fuzz: reports built from windows full of what a hostile page can put in
// them (any step name, label, error class and message; timings anywhere in
// range; several agents, windows out of order, resent). Building never
// throws, and every format stays well-formed: JSON that the report schema
// reads back, HTML and JUnit with nothing of the page's unescaped, CSV and the
// terminal summary with no control byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../agent/describe-error.js';
import { CONTROL_BYTES, hostileNumber, hostileString } from '../../test/harness/hostile.js';
import { PLAN } from '../../test/harness/store.js';
import { mergeByInterval } from '../../src/metrics/merge.js';
import { UrlLabeler } from '../../src/metrics/url-label.js';
import { WindowAggregator } from '../../src/metrics/window.js';
import { fitWindow } from '../../src/metrics/window-bounds.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { WindowBodySchema, type WindowBody } from '../../src/protocol/messages.js';
import { buildReport } from './build.js';
import { requestsCsv, seriesCsv, vitalsCsv } from './csv.js';
import { renderReport } from './outputs.js';
import { summaryText } from './summary.js';
import { thresholdSpecs } from './thresholds.js';

const RESOURCES = { hostCpuPct: 10, agentCpuPct: 5, agentRssMb: 80, hostMemUsedPct: 20, loopLagMs: 1 };
const MARK = '<script>alert(26)</script>';

const pageEvent = fc.record({
  at: fc.integer({ min: 0, max: 5999 }),
  step: fc.oneof(hostileString(), fc.constant(MARK)),
  text: fc.oneof(hostileString(), fc.constant(MARK)),
  ms: hostileNumber(),
  kind: fc.nat(3),
});

/** One agent's windows, as it sends them (validated as the hub does). */
function agentWindows(events: ReadonlyArray<{ at: number; step: string; text: string; ms: number; kind: number }>): WindowBody[] {
  const aggregator = new WindowAggregator(1000, 0);
  const labels = new UrlLabeler();
  aggregator.activeVusChanged(2, 0);
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    aggregator.iterationStarted(e.at);
    if (e.kind === 0) aggregator.stepSucceeded(e.step, e.at, e.ms);
    else if (e.kind === 1) {
      const { errorClass, message } = describeError(Object.assign(new Error(e.text), { name: e.text }));
      aggregator.stepFailed(e.step, e.at, errorClass, message);
    } else if (e.kind === 2) {
      const sample = { url: e.text, method: 'GET', status: 200, bytes: e.ms, cached: false, phases: { ttfb: e.ms, total: e.ms } };
      aggregator.requestObserved(labels.label(e.text), e.step, sample, e.at);
    } else aggregator.pageViewed(e.step, { LCP: e.ms, CLS: e.ms }, e.at);
    aggregator.iterationEnded(e.at, e.kind !== 1);
  }
  return aggregator.takeAll(6000, () => RESOURCES).map((w) => WindowBodySchema.parse(JSON.parse(JSON.stringify(fitWindow(w)))));
}

describe('fuzz: the report builders', () => {
  it('build and render any windows into well-formed files', () => {
    fc.assert(
      fc.property(fc.array(fc.array(pageEvent, { maxLength: 25 }), { minLength: 1, maxLength: 3 }), fc.boolean(), (agents, resend) => {
        const bodies = agents.map((events, i) => ({ agentId: `a${i}`, windows: agentWindows(events) }));
        const agentWindowList = bodies.flatMap(({ agentId, windows }) => windows.map((body) => ({ agentId, body })));
        // Out of order, and a resent window counted once: as the store gives them back.
        const stored = resend ? [...agentWindowList].reverse() : agentWindowList;
        const report = buildReport({
          run: { id: 'fuzz', scenario: MARK, scenarioPath: '/dev/null', startedAt: 0, endedAt: 6000, status: 'completed', windowMs: 1000, plan: PLAN, config: { envKeys: [], outDir: '/dev/null', thresholds: [] } },
          agents: bodies.map(({ agentId }) => ({ agentId, host: `${agentId}${MARK}`, plannedVus: 2, status: 'done' as const, reconnects: 0, error: MARK })),
          windows: mergeByInterval(stored.map((w) => w.body)),
          agentWindows: stored,
          thresholds: thresholdSpecs(undefined, ['iterations:failed<5%', 'requests:other:p95<500']),
        });
        expect(ReportSchema.safeParse(JSON.parse(renderReport(report, 'json'))).success).toBe(true);
        for (const text of [renderReport(report, 'html'), renderReport(report, 'junit')]) expect(text).not.toContain(MARK);
        const csv = seriesCsv(report) + (report.requests ? requestsCsv(report) + vitalsCsv(report) : '');
        expect(csv).not.toMatch(CONTROL_BYTES);
        expect(renderReport(report, 'junit')).not.toMatch(CONTROL_BYTES);
        for (const line of summaryText(report, []).split('\n')) expect(line).not.toMatch(CONTROL_BYTES);
      }),
      { numRuns: 60 },
    );
  });
});
