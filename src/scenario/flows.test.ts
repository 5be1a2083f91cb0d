import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { DEFAULT_FLOW, flowsOf } from './flows.js';
import { defineFlow } from './index.js';

const run = async () => {};

describe('a scenario\'s flows', () => {
  it('is its one run, unnamed, when it has no flows', () => {
    expect(flowsOf({}, { run }, 's.ts')).toEqual({ flows: [{ name: DEFAULT_FLOW, weight: 1, run }], named: false });
  });

  it('reads flows from the default export and from named exports made with defineFlow, weight 1 by default', () => {
    const checkout = defineFlow({ weight: 2, run });
    const found = flowsOf({ checkout, helper: { run } }, { flows: { browse: { weight: 8, run }, search: { run } } }, 's.ts');
    expect(found.named).toBe(true);
    expect(found.flows.map((f) => [f.name, f.weight])).toEqual([['browse', 8], ['search', 1], ['checkout', 2]]);
  });

  it.each([
    [{}, { flows: { browse: { weight: 0, run } } }, 's.ts: flows.browse: weight: expected a number above 0, got 0'],
    [{}, { flows: { browse: { weight: '8', run } } }, 's.ts: flows.browse: weight: expected a number above 0, got "8"'],
    [{}, { flows: { browse: { weight: 1 } } }, 's.ts: flows.browse: expected a function run('],
    [{}, { flows: { 'a/b': { run } } }, 's.ts: flows.a/b: flow name "a/b": use letters, digits, _ . or -'],
    [{ browse: defineFlow({ run }) }, { flows: { browse: { run } } }, 's.ts: flow "browse" is defined twice (flows.browse and export browse)'],
    [{}, { run, flows: { browse: { run } } }, 's.ts: `run` and flows: give one run, or flows, not both'],
    [{}, { flows: [] }, 's.ts: `flows`: expected { <name>: { weight, run } }'],
    [{}, {}, 's.ts: no `run` in the default export'],
  ])('refuses a bad one with the field named: %#', (module, exported, message) => {
    expect(() => flowsOf(module, exported as Record<string, unknown>, 's.ts')).toThrow(InputError);
    expect(() => flowsOf(module, exported as Record<string, unknown>, 's.ts')).toThrow(message);
  });
});
