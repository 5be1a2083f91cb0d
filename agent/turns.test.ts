import { describe, expect, it } from 'vitest';
import { Turns } from './turns.js';

describe('Turns', () => {
  it('hands turns over in order, whether given before or while waiting, and ends with false once stopped', async () => {
    const turns = new Turns();
    turns.give('checkout');
    turns.give();
    expect(await turns.next()).toBe('checkout');
    expect(await turns.next()).toBe('');
    const waiting = turns.next();
    turns.give('browse');
    expect(await waiting).toBe('browse');
    const stopped = turns.next();
    turns.stop();
    expect(await stopped).toBe(false);
    turns.give('late');
    expect(await turns.next()).toBe(false);
  });
});
