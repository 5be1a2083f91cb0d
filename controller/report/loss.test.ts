// What a lost agent's report entry says is missing: exact when its bye
// counted its windows, else estimated from when it was lost (no further than
// its plan's end); and a bound on the iterations whose steps may be missing.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import { lossOf } from './build.js';

const agent = { agentId: 'a1', host: 'h1', plannedVus: 3, status: 'lost' as const, reconnects: 0 };
// 2 VUs started 2 iterations, then 2 VUs started 4: one VU started 2 in a window at most.
const windows = [windowOf(10_000, 1000, [100, 100], 2), windowOf(11_000, 1000, [100, 100, 100, 100], 2)];

describe('lossOf', () => {
  it('estimates the windows between its last one and when it was lost, and bounds the iterations missing', () => {
    expect(lossOf({ ...agent, lostAt: 14_500 }, windows, 1000, 10_000)).toEqual({
      lastWindowEnd: new Date(12_000).toISOString(),
      undeliveredWindows: 3,
      exact: false,
      // 3 VUs' iterations under way, and its 3 VUs at 2 iterations each for each of 3 windows.
      iterationsAtMost: 3 + 3 * 2 * 3,
    });
  });

  it('counts no window past the end of its plan', () => {
    expect(lossOf({ ...agent, lostAt: 74_500 }, windows, 1000, 10_000, 13_000)).toMatchObject({ undeliveredWindows: 1, iterationsAtMost: 3 + 6 });
  });

  it('is exact when its bye said how many windows it sent, and nothing is missing when all came', () => {
    expect(lossOf({ ...agent, lostAt: 14_500, expectedWindows: 3 }, windows, 1000, 10_000)).toMatchObject({ undeliveredWindows: 1, exact: true, iterationsAtMost: 9 });
    expect(lossOf({ ...agent, lostAt: 14_500, expectedWindows: 2 }, windows, 1000, 10_000)).toMatchObject({ undeliveredWindows: 0, iterationsAtMost: 0 });
  });

  it("counts from the run's start for an agent lost before its first window, with no bound to go by", () => {
    expect(lossOf({ ...agent, lostAt: 12_200 }, [], 1000, 10_000)).toEqual({ undeliveredWindows: 3, exact: false });
  });
});
