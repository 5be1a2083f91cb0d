import { describe, expect, it } from 'vitest';
import { SaturationGuard } from './saturation.js';

const sample = (hostCpuPct: number, loopLagMs = 5) => ({ hostCpuPct, agentCpuPct: 10, agentRssMb: 100, hostMemUsedPct: 30, loopLagMs });

describe('SaturationGuard', () => {
  it('marks windows from the second in a row over the CPU line, until one is under it', () => {
    const guard = new SaturationGuard();
    expect([50, 90, 92, 97, 60, 86, 84].map((cpu) => guard.observe(sample(cpu)))).toEqual([false, false, true, true, false, false, false]);
  });

  it('counts an event loop that lags as saturation too, and 85 % itself as not over', () => {
    const guard = new SaturationGuard();
    expect(guard.observe(sample(20, 250))).toBe(false);
    expect(guard.observe(sample(20, 300))).toBe(true);
    const edge = new SaturationGuard();
    expect([85, 85, 85].map((cpu) => edge.observe(sample(cpu)))).toEqual([false, false, false]);
  });
});
