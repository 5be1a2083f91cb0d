import { describe, expect, it } from 'vitest';
import { onceEach, unhandledNotice } from './unhandled.js';

describe('unhandled rejections', () => {
  it('are said by class and first line, bounded, whatever was rejected', () => {
    expect(unhandledNotice(new Error('nobody awaited me\nat somewhere'))).toMatch(/: Error: nobody awaited me$/);
    expect(unhandledNotice('x'.repeat(5000)).length).toBeLessThan(1200);
    // A value whose every conversion throws must not throw in the handler: that would end the thread after all.
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    expect(unhandledNotice(hostile)).toMatch(/NonError: \(a value that cannot be shown\)$/);
  });

  it('are said once each, and no more than ten distinct ones', () => {
    const said: string[] = [];
    const say = onceEach((message) => said.push(message));
    for (let i = 0; i < 30; i++) say(`m${i % 15}`);
    expect(said).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });
});
