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
    expect(bodies[0]![0]!.flows).toEqual({ browse: { started: 4, completed: 4, failed: 0, dropped: 0 }, checkout: { started: 1, completed: 1, failed: 0, dropped: 1 } });
    const merged = [0, 1].map((w) => mergeAgentWindows([bodies[0]![w]!, bodies[1]![w]!]));
    const flows = flowsSection([{ name: 'browse', weight: 8 }, { name: 'checkout', weight: 2 }], merged);
    expect(flows).toEqual([
      { name: 'browse', weight: 8, askedPct: 80, startedPct: 80, started: 16, completed: 16, failed: 0, dropped: 0 },
      { name: 'checkout', weight: 2, askedPct: 20, startedPct: 20, started: 4, completed: 2, failed: 2, dropped: 2 },
    ]);
    expect(flowsText(flows)).toBe('flows: browse 80% of iterations (80% asked), checkout 20% (20%)');
  });
});
