// The open model end to end, locally: arrivals on schedule counted by the demo
// shop itself, none dropped, every window on the rate: that needs the machine
// to the run alone (test/harness/machine-lock.ts). Drops and refusals are in
// arrival-drops.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';

function readReport(dir: string): Report {
  return ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
}

describe('an arrival rate against the demo shop', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'squall-arrival-'));
  });

  describe('10 a second for 10 s, with VUs to spare', () => {
    let app: DemoApp;
    let result: CliResult;
    let report: Report;

    beforeAll(async () => {
      app = await startDemoApp({ latencyMs: { 'GET /api/products': 50 } });
      result = await runCli([
        'run', fixture('arrival.scenario.ts'), '--duration', '10s', '--window', '2s', '--threshold', 'iterations:dropped<1%', '--threshold', 'iterations:rate>=9.9',
        '--env', `TARGET=${app.url}`, '--out', join(dir, 'held'), '--db', join(dir, 'runs.db'),
      ]);
      report = readReport(join(dir, 'held'));
    }, 120_000);

    afterAll(async () => {
      await app?.close();
    });

    it('starts 100 ± 1 iterations, as the shop counted them, and drops none', () => {
      expect(result.stderr).not.toMatch(/internal error/);
      const served = app.stats()['GET /api/products']!.hits;
      // On a failure, what the run said: why it dropped, if it did.
      expect(result.code, `${result.stdout}\n${JSON.stringify(report.arrival)}`).toBe(0);
      expect(Math.abs(served - 100)).toBeLessThanOrEqual(1);
      expect(report.iterations).toMatchObject({ started: served, completed: served, failed: 0, dropped: 0 });
      expect(report.arrival, JSON.stringify(report.arrival)).toMatchObject({ expected: 100, scheduled: served, dropped: 0, targetRate: 10, preAllocatedVus: 10, maxVus: 30 });
      expect(report.thresholds.map((t) => t.passed)).toEqual([true, true]);
      expect(result.stdout).toMatch(/arrival rate held: 100 iterations started \(10\/s of 10\/s asked\), none dropped/);
    });

    it('holds the rate in every window of the schedule, on few VUs', () => {
      // Windows are 2 s of the wall clock; the schedule's whole windows each hold 20 starts (± 1 at an edge).
      const t0 = Date.parse(report.run.startedAt);
      const inside = report.series.filter((p) => p.windowStart >= t0 && p.windowStart + p.windowMs <= t0 + 10_000);
      expect(inside.length).toBeGreaterThanOrEqual(4);
      for (const point of inside) {
        expect(Math.abs(point.iterations.started - 20), JSON.stringify(point.iterations)).toBeLessThanOrEqual(1);
        expect(point.targetRate).toBe(10);
      }
      // 10/s of ~150 ms iterations needs two or three VUs busy: the 10 made up front are enough, none is made past need.
      expect(report.arrival!.allocatedMax).toBeGreaterThanOrEqual(10);
      expect(report.arrival!.allocatedMax).toBeLessThanOrEqual(15);
    });
  });

});
