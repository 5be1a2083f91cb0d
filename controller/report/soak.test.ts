// A soak's report: 130,000 windows of one agent (three days at 2 s windows).
// Report building spread every window's value into Math.max, which throws
// "Maximum call stack size exceeded" past about 100,000 arguments on a main
// thread: the run's own end, `squall report` and the HTML report all failed.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/harness/cli.js';
import { maxOf } from '../../src/max-of.js';

describe('a soak-sized report', () => {
  it('builds and renders 130,000 windows of one agent on a main thread', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/harness/soak-report-main.ts', '130000'], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ count: 260_000, series: 130_000, undelivered: 0, htmlEnds: true });
  });

  it('takes the largest of any number of values, as Math.max does for few', () => {
    expect(maxOf(Array.from({ length: 2_000_000 }, (_, i) => i % 1000))).toBe(999);
    expect(maxOf([])).toBe(-Infinity);
    expect(maxOf([3, NaN, 5])).toBeNaN();
    expect(maxOf([-2, -7])).toBe(-2);
  });
});
