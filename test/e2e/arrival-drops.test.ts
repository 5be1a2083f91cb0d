// The open model's drops, locally: a shop too slow for the VUs allowed, every
// arrival accounted for (started or dropped, as the shop counted), and bad
// arrival input refused.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { WindowBodySchema } from '../../src/protocol/messages.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, runCli, squall, type CliResult } from '../harness/cli.js';

function readReport(dir: string): Report {
  return ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
}

describe('an arrival rate the shop cannot keep up with', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'squall-arrival-drops-'));
  });

  describe('a shop too slow for the VUs allowed', () => {
    let app: DemoApp;
    let result: CliResult;
    let report: Report;

    beforeAll(async () => {
      app = await startDemoApp({ latencyMs: { 'GET /api/products': 1000 } });
      result = await runCli([
        'run', fixture('arrival.scenario.ts'), '--duration', '6s', '--max-vus', '3', '--pre-allocated-vus', '3', '--window', '2s',
        '--threshold', 'iterations:dropped<1%', '--env', `TARGET=${app.url}`, '--out', join(dir, 'slow'), '--db', join(dir, 'runs.db'),
      ]);
      report = readReport(join(dir, 'slow'));
    }, 120_000);

    afterAll(async () => {
      await app?.close();
    });

    it('drops what finds no free VU, and started + dropped = scheduled, started as the shop counted', () => {
      const served = app.stats()['GET /api/products']!.hits;
      const arrival = report.arrival!;
      // 3 VUs of ~1.1 s iterations hold under 3 of the 10 a second asked: about 16 of 60.
      expect(served).toBeGreaterThan(9);
      expect(served).toBeLessThan(21);
      expect(arrival.started).toBe(served);
      expect(arrival.started + arrival.dropped).toBe(60);
      expect(arrival.scheduled).toBe(60);
      expect(arrival.dropReasons).toEqual(['max-vus']);
      expect(report.iterations.dropped).toBe(arrival.dropped);
      expect(report.series.reduce((sum, p) => sum + (p.iterations.dropped ?? 0), 0)).toBe(arrival.dropped);
    });

    it('says so in plain words and fails the threshold: exit 1', () => {
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/arrival rate NOT held: \d+ of 60 arrivals dropped \(\d+(\.\d+)?%\) from 0:0\d; \d+ started \([\d.]+\/s of 10\/s asked\), at most 3 of 3 VUs kept/);
      expect(result.stdout).toMatch(/because every VU was busy at the maximum/);
      expect(report.thresholds[0]).toMatchObject({ target: 'iterations', passed: false });
      const html = readFileSync(join(dir, 'slow', 'report.html'), 'utf8');
      expect(html).toMatch(/<section id="arrivals"><h2>Arrivals<\/h2><p class="verdict bad" data-field="arrivalVerdict">arrival rate NOT held: /);
      expect(html).toContain(`data-field="dropped" data-value="${report.arrival!.dropped}"`);
      expect(html).toContain('Iterations per second: asked, started and dropped');
    });

    it('keeps the drops and kept VUs in the stored windows, and in arrivals.csv', () => {
      const db = new Database(join(dir, 'runs.db'), { readonly: true });
      try {
        const bodies = (db.prepare('SELECT body FROM agent_windows WHERE run_id = ?').pluck().all(report.run.id) as string[]).map((row) =>
          WindowBodySchema.parse((JSON.parse(row) as { window: unknown }).window),
        );
        expect(bodies.reduce((sum, b) => sum + (b.iterations.dropped ?? 0), 0)).toBe(report.arrival!.dropped);
        expect(Math.max(...bodies.map((b) => b.vus.allocated ?? 0))).toBe(3);
      } finally {
        db.close();
      }
      const csv = readFileSync(join(dir, 'slow', 'arrivals.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('t,target_rate,started,dropped,completed,failed,vus_busy,vus_kept');
      const rows = csv.slice(1).map((line) => line.split(',').map(Number));
      expect(rows.reduce((sum, row) => sum + row[3]!, 0)).toBe(report.arrival!.dropped);
      expect(rows.reduce((sum, row) => sum + row[2]!, 0)).toBe(report.arrival!.started);
    });
  });

  it('refuses bad arrival input with one line naming the field: exit 2', async () => {
    const scenario = join(dir, 'bad.scenario.ts');
    writeFileSync(scenario, "export default { options: { arrival: { rate: 5 } }, async run() {} };\n");
    const noDuration = await squall(['run', scenario, '--db', join(dir, 'bad.db')]);
    expect(noDuration.code).toBe(2);
    expect(noDuration.stderr.trim()).toMatch(/^squall: .*bad\.scenario\.ts: options\.arrival\.duration: a rate needs a duration, e.g\. duration: '5m'$/);
    writeFileSync(scenario, "export default { options: { arrival: { rate: 5, duration: '5s' }, vus: { preAllocated: 9, max: 3 } }, async run() {} };\n");
    const maxBelow = await squall(['run', scenario, '--db', join(dir, 'bad.db')]);
    expect(maxBelow.code).toBe(2);
    expect(maxBelow.stderr.trim()).toMatch(/^squall: .*bad\.scenario\.ts: options\.vus\.max: max must be at least preAllocated$/);
    const both = await squall(['run', fixture('shop.scenario.ts'), '--vus', '2', '--rate', '3', '--db', join(dir, 'bad.db')]);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe('squall: --vus and --rate: pick one: --vus keeps VUs looping, --rate starts iterations at a rate (size it with --max-vus)');
    const rate = await squall(['run', fixture('shop.scenario.ts'), '--rate', 'fast']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/--rate.*expected a number above 0, got "fast"/);
  });
});
