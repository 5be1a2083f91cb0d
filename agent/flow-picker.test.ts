import { describe, expect, it } from 'vitest';
import { FlowPicker } from './flow-picker.js';

const run = async () => {};
const scenario = { named: true, flows: [{ name: 'browse', weight: 8, run }, { name: 'checkout', weight: 2, run }] };

describe('FlowPicker', () => {
  it("keeps each VU's mix to the weights within one iteration, and VUs start at different turns", () => {
    const picker = new FlowPicker(scenario, 0);
    const names = Array.from({ length: 100 }, () => picker.next().name);
    for (let n = 1; n <= 100; n += 1) expect(Math.abs(names.slice(0, n).filter((x) => x === 'checkout').length - n * 0.2)).toBeLessThanOrEqual(1);
    const firsts = Array.from({ length: 10 }, (_, vu) => new FlowPicker(scenario, vu).next().name);
    expect(firsts.filter((x) => x === 'checkout')).toHaveLength(2);
  });

  it('runs each flow once in order for squall check, and takes the flow a scheduler names', () => {
    const once = new FlowPicker(scenario, 0, true);
    expect([once.next().name, once.next().name]).toEqual(['browse', 'checkout']);
    expect(new FlowPicker(scenario, 0).byName('checkout').name).toBe('checkout');
    expect(new FlowPicker(scenario, 0).byName(undefined).name).toBe('browse');
  });
});
