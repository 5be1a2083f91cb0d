// The benchmark runs end to end (in its smallest mode) and its JSON has the
// fields the README and the issue promise. Speed itself is never asserted here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../harness/cli.js';

describe('npm run bench', () => {
  it('runs in --smoke mode and writes bench-results.json with curves, capacities, the cost of browser metrics and ingest numbers', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'squall-bench-')), 'bench-results.json');
    const stdout = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/bench/run.ts', '--smoke', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 330_000,
    });
    expect(stdout).toMatch(/VU capacity: squall \d+/);
    expect(stdout).toMatch(/squall vs competent: [\d.]+x/);
    expect(stdout).toMatch(/harness over the page's own time \(step p50 - page p50\): squall [+-][\d.]+ ms at 1 VU/);
    expect(stdout).toMatch(/arrival-rate capacity \(highest rate with under 1 % dropped and p50 within 1\.2x of the 1\/s p50\): \d+\/s/);
    expect(stdout).toMatch(/browser metrics \(request timing, Web Vitals, evidence\) on vs off, 1 rounds in turns at 2 VUs: [\d.]+ vs [\d.]+ CPU ms\/iteration = [\d.]+x/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results).toMatchObject({ schema: 'squall.bench/v1', mode: 'smoke', machine: { cores: expect.any(Number) } });
    expect(results.arrivalCapacity.points).toEqual([expect.objectContaining({ vus: 1, droppedPct: expect.any(Number), p50: expect.any(Number) })]);
    expect(results.arrivalCapacity.points[0].samples).toBeGreaterThan(0);
    const runners = results.fidelity.map((c: { runner: string }) => c.runner);
    // naive (a full Chromium launched per iteration) is left out of the smoke run: its per-iteration launch is all it adds.
    // squall with metrics off is left out too: squall's runner with another scenario, which the metrics part compares.
    expect(runners).toEqual(['squall', 'competent', 'naive-kept']);
    for (const curve of results.fidelity) {
      // squall's curve grows to 2 VUs; every other runner's smoke curve is its baseline.
      expect(curve.points.map((p: { vus: number }) => p.vus)).toEqual(curve.runner === 'squall' ? [1, 2] : [1]);
      for (const point of curve.points) {
        expect(point.samples, `${curve.runner} at ${point.vus} VUs measured nothing`).toBeGreaterThan(0);
        expect(point).toMatchObject({
          p50: expect.any(Number),
          p95: expect.any(Number),
          p50Ratio: expect.any(Number),
          hostCpuPct: expect.any(Number),
          pssPerVuMb: expect.any(Number),
          cpuMsPerIteration: expect.any(Number),
          samples: expect.any(Number),
        });
        expect(point.p50).toBeGreaterThan(100); // the step waits on a 100 ms API
        // The page's own time for the same action, from its clicks in the same span: the floor under the step.
        expect(point.pageSamples, `${curve.runner} at ${point.vus} VUs: no page timing`).toBeGreaterThan(0);
        expect(point.pageP50).toBeGreaterThan(100);
        expect(point.harnessMs).toBeCloseTo(point.p50 - point.pageP50, 6);
        expect(point.pssPerVuMb, `${curve.runner} at ${point.vus} VUs: no browser memory read`).toBeGreaterThan(0);
      }
      expect(curve.capacity).toBeGreaterThanOrEqual(0);
    }
    expect(results.bestBaselineP50).toBe(Math.min(...results.fidelity.map((c: { baseline: { p50: number } }) => c.baseline.p50)));
    expect(results.capacity).toMatchObject({ squall: expect.any(Number), competent: expect.any(Number), naive: null, naiveKept: expect.any(Number), vsNaiveKept: expect.any(Number) });
    expect(results.metricsCost).toMatchObject({ vus: 2, rounds: 1, onCpuMs: expect.any(Number), offCpuMs: expect.any(Number), ratio: expect.any(Number) });
    expect(results.metricsCost.pairs[0].on.samples).toBeGreaterThan(0);
    expect(results.ingest[0]).toMatchObject({ agents: 20, steps: 20, windowsSent: 20, windowsAcked: 20, ackP99Ms: expect.any(Number), controllerBusyCpuPct: expect.any(Number), controllerPeakRssMb: expect.any(Number) });
  }, 340_000);
});
