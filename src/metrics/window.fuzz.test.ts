// Fuzz: the agent's collectors fed what a hostile page can produce (any
// string as a URL, step, error class or message; any number as a timing,
// size or vital). Nothing throws, every window is one the controller accepts,
// and it fits one message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../agent/describe-error.js';
import { hostileNumber, hostileString } from '../../test/harness/hostile.js';
import { WindowBodySchema } from '../protocol/messages.js';
import { UrlLabeler } from './url-label.js';
import { WindowAggregator } from './window.js';
import { WINDOW_LIMITS, fitWindow, windowOutOfBounds } from './window-bounds.js';
import { VITALS } from './vitals.js';

const RESOURCES = { hostCpuPct: 10, agentCpuPct: 5, agentRssMb: 100, hostMemUsedPct: 20, loopLagMs: 1 };
const WINDOW_MS = 1000;
const VUS = 4;

const event = fc.oneof(
  fc.record({ kind: fc.constant('ok' as const), step: hostileString(), ms: hostileNumber() }),
  fc.record({ kind: fc.constant('fail' as const), step: hostileString(), name: hostileString(), message: hostileString() }),
  fc.record({
    kind: fc.constant('request' as const),
    url: hostileString(),
    step: hostileString(),
    method: hostileString(),
    status: hostileNumber(),
    error: fc.option(hostileString(), { nil: undefined }),
    bytes: hostileNumber(),
    phases: fc.dictionary(fc.constantFrom('dns', 'connect', 'tls', 'ttfb', 'download', 'total'), hostileNumber()),
  }),
  fc.record({ kind: fc.constant('view' as const), step: hostileString(), vitals: fc.dictionary(fc.constantFrom(...VITALS), hostileNumber()) }),
  fc.record({ kind: fc.constant('iteration error' as const), thrown: fc.anything() }),
);

describe('fuzz: the agent collectors', () => {
  it('take any page input without throwing and give windows the controller accepts, each within one message', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 2 * WINDOW_MS }), { maxLength: 60 }), (events, times) => {
        const aggregator = new WindowAggregator(WINDOW_MS, 0);
        const labels = new UrlLabeler([{ name: 'api', match: '/api/*' }]);
        aggregator.activeVusChanged(VUS, 0);
        events.forEach((e, i) => {
          const at = times[i] ?? i;
          aggregator.iterationStarted(at);
          if (e.kind === 'ok') aggregator.stepSucceeded(e.step, at, e.ms);
          else if (e.kind === 'fail') {
            const error = Object.assign(new Error(e.message), { name: e.name });
            const { errorClass, message } = describeError(error);
            aggregator.stepFailed(e.step, at, errorClass, message);
          } else if (e.kind === 'request') {
            const sample = { url: e.url, method: e.method, status: e.status, bytes: e.bytes, cached: false, phases: e.phases, ...(e.error !== undefined ? { failed: true, error: e.error } : {}) };
            aggregator.requestObserved(labels.label(e.url), e.step, sample, at);
          } else if (e.kind === 'view') aggregator.pageViewed(e.step, e.vitals, at);
          else {
            const { errorClass, message } = describeError(e.thrown);
            aggregator.iterationError(at, errorClass, message);
          }
          aggregator.iterationEnded(at, e.kind !== 'fail');
        });
        for (const window of aggregator.takeAll(3 * WINDOW_MS, () => RESOURCES)) {
          const sent = fitWindow(window);
          const parsed = WindowBodySchema.safeParse(JSON.parse(JSON.stringify(sent)));
          expect(parsed.success, parsed.success ? '' : parsed.error.message.slice(0, 2000)).toBe(true);
          expect(JSON.stringify(sent).length).toBeLessThanOrEqual(WINDOW_LIMITS.frameBytes);
          expect(windowOutOfBounds(parsed.data!, { plannedVus: VUS, windowMs: WINDOW_MS, origin: 0 })).toBeUndefined();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('describes anything thrown, even what cannot be turned into a string', () => {
    const unprintable = [Object.create(null), { toString: () => { throw new Error('no'); } }, Symbol('s'), new Proxy({}, { get: () => { throw new Error('trap'); } })];
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.constantFrom(...unprintable)), (thrown) => {
        const { errorClass, message } = describeError(thrown);
        expect(typeof errorClass).toBe('string');
        expect(typeof message).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
