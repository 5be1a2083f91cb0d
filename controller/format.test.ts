import { describe, expect, it } from 'vitest';
import { clock, counted, formatMs, formatSeconds } from './format.js';

describe('terminal formats', () => {
  it('writes milliseconds, seconds past 10 s, and a dash for nothing', () => {
    expect([formatMs(0), formatMs(849.6), formatMs(9999), formatMs(12_345), formatMs(Number.NaN)]).toEqual(['0ms', '850ms', '9999ms', '12.3s', '-']);
    expect(formatSeconds(2649)).toBe('2.6s');
  });

  it('writes a run clock with hours only when there are some, and a sign before t0', () => {
    expect([clock(0), clock(65_000), clock(3_725_000), clock(-2000)]).toEqual(['0:00', '1:05', '1:02:05', '-0:02']);
  });

  it('counts in the singular for one only', () => {
    expect([counted(0, 'host'), counted(1, 'host'), counted(3, 'agent'), counted(2, 'entry', 'entries')]).toEqual(['0 hosts', '1 host', '3 agents', '2 entries']);
  });
});
