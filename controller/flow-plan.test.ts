import { describe, expect, it } from 'vitest';
import { flowsOf } from '../src/scenario/flows.js';
import { defineFlow } from '../src/scenario/index.js';
import { resolveRunPlan } from './flow-plan.js';

const run = async () => {};

function planOf(module: Record<string, unknown>, options: unknown = {}, flags = {}) {
  return resolveRunPlan(options, flags, 'shop.ts', flowsOf(module, { options }, 'shop.ts'));
}

describe('a run plan from flows with loads of their own', () => {
  it('keeps the weighted flows on the scenario\'s load and gives each flow with VUs or a rate its own', () => {
    const plan = planOf(
      {
        browse: defineFlow({ weight: 3, run }),
        search: defineFlow({ weight: 1, run }),
        checkout: defineFlow({ arrival: { rate: 2, duration: '20s' }, vus: { preAllocated: 1, max: 4 }, run }),
        admin: defineFlow({ vus: 1, run }),
      },
      { vus: 4, duration: '10s', gracefulStop: '2s' },
    );
    expect(plan).toMatchObject({
      model: 'flows',
      gracefulStopMs: 2000,
      loads: [
        { startVus: 4, stages: [{ durationMs: 10_000, target: 4 }], flows: [{ name: 'browse', weight: 3 }, { name: 'search', weight: 1 }] },
        { model: 'arrival', startRate: 2, stages: [{ durationMs: 20_000, rate: 2 }], preAllocatedVus: 1, maxVus: 4, gracefulStopMs: 2000, flows: [{ name: 'checkout', weight: 1 }] },
        // no duration of its own: the scenario's
        { startVus: 1, stages: [{ durationMs: 10_000, target: 1 }], flows: [{ name: 'admin', weight: 1 }] },
      ],
    });
  });

  it('gives a flow without a length of its own the run\'s --duration', () => {
    const plan = planOf({ checkout: defineFlow({ arrival: { rate: 5 }, run }), admin: defineFlow({ vus: 2, run }) }, {}, { duration: '7s' });
    expect(plan).toMatchObject({ loads: [{ stages: [{ durationMs: 7000, rate: 5 }] }, { stages: [{ durationMs: 7000, target: 2 }] }] });
  });

  it('stays one plan when no flow has a load of its own', () => {
    expect(planOf({ a: defineFlow({ weight: 2, run }), b: defineFlow({ run }) }, { vus: 2 })).toMatchObject({ startVus: 2, flows: [{ name: 'a', weight: 2 }, { name: 'b', weight: 1 }] });
  });

  it('names the flow\'s field in a bad load, and refuses a weight beside a load or a scenario load that would drive nothing', () => {
    expect(() => planOf({ checkout: defineFlow({ arrival: { rate: 2 }, run }) })).toThrow('shop.ts: export checkout.arrival.duration: a rate needs a duration');
    expect(() => planOf({ checkout: defineFlow({ vus: -1, run }) })).toThrow(/^shop\.ts: export checkout\.vus: /);
    expect(() => planOf({ checkout: defineFlow({ weight: 2, vus: 2, run }) })).toThrow('shop.ts: export checkout: weight: a flow with its own load (vus) takes no share');
    expect(() => planOf({ checkout: defineFlow({ vus: 2, run }) }, { vus: 3 })).toThrow('shop.ts: options.vus: every flow has a load of its own (export checkout)');
    expect(() => planOf({ checkout: defineFlow({ vus: 2, run }) }, {}, { rate: 3 })).toThrow('--rate: every flow has a load of its own');
    expect(() => planOf({ checkout: defineFlow({ vus: 2, run, arival: {} } as never) })).toThrow('shop.ts: export checkout: unknown field "arival"');
  });
});
