// What a lost agent's report entry says is missing: exact when its bye
// counted its windows, else estimated from when it was lost; and a bound on
// the iterations whose steps may be missing.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import { lossOf } from './build.js';

const agent = { agentId: 'a1', host: 'h1', plannedVus: 3, status: 'lost' as const, reconnects: 0 };
const windows = [windowOf(10_000, 1000, [100, 100]), windowOf(11_000, 1000, [100, 100, 100, 100])];

describe('lossOf', () => {
  it('estimates the windows between its last one and when it was lost, and bounds the iterations missing', () => {
    expect(lossOf({ ...agent, lostAt: 14_500 }, windows, 1000, 10_000)).toEqual({
      lastWindowEnd: new Date(12_000).toISOString(),
      undeliveredWindows: 3,
      exact: false,
      // 3 VUs' iterations under way, and 4 (the busiest window's starts) for each of 3 windows.
      iterationsAtMost: 3 + 4 * 3,
    });
  });

  it('is exact when its bye said how many windows it sent, and nothing is missing when all came', () => {
    expect(lossOf({ ...agent, lostAt: 14_500, expectedWindows: 3 }, windows, 1000, 10_000)).toMatchObject({ undeliveredWindows: 1, exact: true, iterationsAtMost: 7 });
    expect(lossOf({ ...agent, lostAt: 14_500, expectedWindows: 2 }, windows, 1000, 10_000)).toMatchObject({ undeliveredWindows: 0, iterationsAtMost: 0 });
  });

  it("counts from the run's start for an agent lost before its first window", () => {
    expect(lossOf({ ...agent, lostAt: 12_200 }, [], 1000, 10_000)).toEqual({ undeliveredWindows: 3, exact: false, iterationsAtMost: 3 });
  });
});
