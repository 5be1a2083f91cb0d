import { describe, expect, it } from 'vitest';
import { vitalBand } from './vitals.js';

describe('vitalBand', () => {
  it("uses Google's bounds: good up to the first, poor above the second", () => {
    expect(vitalBand('LCP', 2500)).toBe('good');
    expect(vitalBand('LCP', 2501)).toBe('needs-improvement');
    expect(vitalBand('LCP', 4001)).toBe('poor');
    expect(vitalBand('CLS', 0.1)).toBe('good');
    expect(vitalBand('CLS', 0.3)).toBe('poor');
    expect(vitalBand('INP', 350)).toBe('needs-improvement');
  });
});
