import { describe, expect, it } from 'vitest';
import type { WindowBody } from '../../src/protocol/messages.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { ArrivalPlan } from '../../src/protocol/plan.js';
import type { AgentRecord } from '../../src/protocol/store.js';
import { arrivalSection, arrivalText, targetRateOver } from './arrival.js';

const T0 = 1_700_000_000_000;
const plan: ArrivalPlan = { model: 'arrival', perMs: 1000, startRate: 10, stages: [{ durationMs: 30_000, rate: 10 }], distribution: 'uniform', seed: 1, preAllocatedVus: 5, maxVus: 20, gracefulStopMs: 0 };

function body(windowStart: number, started: number, dropped: number, allocated: number, saturated = false): WindowBody {
  return {
    windowStart,
    windowMs: 10_000,
    steps: {},
    iterations: { started, completed: started, failed: 0, dropped },
    iterationErrors: {},
    vus: { min: 0, max: allocated, allocated },
    resources: { hostCpuPct: 50, agentCpuPct: 10, agentRssMb: 100, hostMemUsedPct: 10, loopLagMs: 1 },
    saturated,
  };
}

const merged = (bodies: WindowBody[]): MergedWindow[] =>
  bodies.map(({ resources: _r, saturated: _s, ...rest }) => ({ ...rest, agents: 1, saturatedAgents: 0 }));

const agent = (agentId: string, plannedVus: number, status: AgentRecord['status'] = 'done'): AgentRecord => ({ agentId, host: agentId, plannedVus, status, reconnects: 0 });

describe('arrival report', () => {
  it('says a held rate in plain words', () => {
    const bodies = [body(T0, 100, 0, 8), body(T0 + 10_000, 100, 0, 9), body(T0 + 20_000, 100, 0, 9)];
    const section = arrivalSection({ plan, windows: merged(bodies), byAgent: new Map([['a', bodies]]), agents: [agent('a', 20)] });
    expect(section).toMatchObject({ expected: 300, scheduled: 300, started: 300, dropped: 0, droppedPct: 0, targetRate: 10, achievedRate: 10, allocatedMax: 9, dropReasons: [] });
    expect(arrivalText(section, T0)).toEqual(['arrival rate held: 300 iterations started (10/s of 10/s asked), none dropped; at most 9 VUs kept']);
  });

  it('says how many were dropped, since when, and why', () => {
    const bodies = [body(T0, 100, 0, 12), body(T0 + 10_000, 70, 30, 20), body(T0 + 20_000, 60, 40, 20)];
    const section = arrivalSection({ plan, windows: merged(bodies), byAgent: new Map([['a', bodies]]), agents: [agent('a', 20)] });
    expect(section).toMatchObject({ scheduled: 300, started: 230, dropped: 70, droppedPct: 23.33, achievedRate: 7.67, firstDropAt: new Date(T0 + 10_000).toISOString(), dropReasons: ['max-vus'] });
    const text = arrivalText(section, T0);
    expect(text[0]).toBe('arrival rate NOT held: 70 of 300 arrivals dropped (23.33%) from 0:10; 230 started (7.67/s of 10/s asked), at most 20 of 20 VUs kept');
    expect(text[1]).toMatch(/because every VU was busy at the maximum/);
  });

  it('tells a saturated host and VUs still being made from the maximum', () => {
    const a = [body(T0, 90, 10, 5, true)];
    const b = [body(T0, 95, 5, 3)];
    const section = arrivalSection({ plan, windows: merged(a), byAgent: new Map([['a', a], ['b', b]]), agents: [agent('a', 10), agent('b', 10)] });
    expect(section.dropReasons).toEqual(['saturated', 'growing']);
  });

  it("counts a lost agent's arrivals as not run, not as dropped", () => {
    const bodies = [body(T0, 100, 0, 8), body(T0 + 10_000, 60, 0, 9)];
    const section = arrivalSection({ plan, windows: merged(bodies), byAgent: new Map([['a', bodies]]), agents: [agent('a', 10), agent('b', 10, 'lost')] });
    expect(section.notRun).toEqual({ count: 140, agents: ['b'] });
    expect(arrivalText(section, T0)[1]).toBe("  140 arrivals were never run: b lost, and a lost host's share is not given to the others");
  });

  it('gives the target rate of each window, ramps included', () => {
    const ramp: ArrivalPlan = { ...plan, startRate: 0, stages: [{ durationMs: 20_000, rate: 20 }] };
    expect(targetRateOver(ramp, T0, T0, 10_000)).toBe(5);
    expect(targetRateOver(ramp, T0, T0 + 10_000, 10_000)).toBe(15);
    expect(targetRateOver(ramp, T0, T0 + 20_000, 10_000)).toBe(0);
  });
});
