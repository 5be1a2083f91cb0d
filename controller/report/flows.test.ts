import { describe, expect, it } from 'vitest';
import { WindowAggregator } from '../../src/metrics/window.js';
import { mergeAgentWindows } from '../../src/metrics/merge.js';
import { flowsSection, flowsText } from './flows.js';

const RESOURCES = { hostCpuPct: 10, agentCpuPct: 1, agentRssMb: 50, hostMemUsedPct: 10, loopLagMs: 1 };

describe('flows in the report', () => {
  it("adds each flow's iterations over agents and windows, and sets the mix started against the weights", () => {
    const agents = [0, 1].map(() => new WindowAggregator(1000, 0, true));
    for (const [a, agg] of agents.entries()) {
      for (let i = 0; i < 10; i += 1) {
        const flow = i % 5 === 4 ? 'checkout' : 'browse';
        agg.iterationStarted(i * 200, flow);
        agg.iterationEnded(i * 200 + 50, !(a === 1 && flow === 'checkout'), flow);
      }
      agg.iterationDropped(500, 'checkout');
    }
    const bodies = agents.map((agg) => agg.takeAll(1999, () => RESOURCES));
    expect(bodies[0]![0]!.flows).toEqual({ browse: { started: 4, completed: 4, failed: 0, dropped: 0, busy: 1 }, checkout: { started: 1, completed: 1, failed: 0, dropped: 1, busy: 1 } });
    const merged = [0, 1].map((w) => mergeAgentWindows([bodies[0]![w]!, bodies[1]![w]!]));
    const plan = { startVus: 1, stages: [{ durationMs: 2000, target: 1 }], gracefulStopMs: 0, flows: [{ name: 'browse', weight: 8 }, { name: 'checkout', weight: 2 }] };
    const flows = flowsSection(plan, merged);
    // busy: one iteration at a time on each of the two agents
    expect(flows).toEqual([
      { name: 'browse', weight: 8, askedPct: 80, startedPct: 80, started: 16, completed: 16, failed: 0, dropped: 0, busyMax: 2 },
      { name: 'checkout', weight: 2, askedPct: 20, startedPct: 20, started: 4, completed: 2, failed: 2, dropped: 2, busyMax: 2 },
    ]);
    expect(flowsText(flows)).toBe('flows: browse 80% of iterations (80% asked), checkout 20% (20%)');
  });

  it('counts iterations running across a window boundary as busy in both, and a flow load\'s kept VUs', () => {
    const agg = new WindowAggregator(1000, 0, true);
    agg.iterationStarted(100, 'search');
    agg.iterationStarted(200, 'search');
    agg.flowAllocatedChanged('search', 3, 50);
    agg.iterationEnded(1500, true, 'search');
    const [first, second, third] = agg.takeAll(2999, () => RESOURCES);
    expect(first!.flows!.search).toMatchObject({ started: 2, busy: 2, allocated: 3 });
    expect(second!.flows!.search).toMatchObject({ started: 0, completed: 1, busy: 2, allocated: 3 });
    expect(third!.flows!.search).toMatchObject({ busy: 1, allocated: 3 });
  });

  it('reports a flow with its own load by that load, and the flows sharing one by their weights within it', () => {
    const agg = new WindowAggregator(1000, 0, true);
    for (let i = 0; i < 4; i += 1) {
      agg.iterationStarted(i * 100, i === 3 ? 'checkout' : 'browse');
      agg.iterationEnded(i * 100 + 50, true, i === 3 ? 'checkout' : 'browse');
    }
    for (let i = 0; i < 4; i += 1) {
      agg.iterationStarted(500 + i * 100, 'search');
      agg.iterationEnded(520 + i * 100, true, 'search');
    }
    agg.flowAllocatedChanged('search', 2, 500);
    const merged = agg.takeAll(999, () => RESOURCES).map((w) => mergeAgentWindows([w]));
    const plan = {
      model: 'flows' as const,
      gracefulStopMs: 0,
      loads: [
        { startVus: 2, stages: [{ durationMs: 1000, target: 2 }], gracefulStopMs: 0, flows: [{ name: 'browse', weight: 3 }, { name: 'checkout', weight: 1 }] },
        { model: 'arrival' as const, perMs: 1000, startRate: 4, stages: [{ durationMs: 1000, rate: 4 }], distribution: 'uniform' as const, seed: 1, preAllocatedVus: 2, maxVus: 5, gracefulStopMs: 0, flows: [{ name: 'search', weight: 1 }] },
      ],
    };
    const flows = flowsSection(plan, merged);
    expect(flows.map((f) => [f.name, f.weight, f.askedPct, f.startedPct, f.load, f.started, f.allocatedMax])).toEqual([
      ['browse', 3, 75, 75, undefined, 3, undefined],
      ['checkout', 1, 25, 25, undefined, 1, undefined],
      ['search', undefined, undefined, 50, '4/s (uniform arrivals, 2 VUs pre-allocated, at most 5)', 4, 2],
    ]);
    expect(flowsText(flows)).toBe('flows: browse 75% of iterations (75% asked), checkout 25% (25%), search 4 started (4/s (uniform arrivals, 2 VUs pre-allocated, at most 5))');
  });
});
