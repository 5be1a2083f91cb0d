// Unique test data in a local run under an arrival rate: every user signs in
// to the demo shop exactly once, the report's rows used are the shop's
// sign-ins, and fewer users than arrivals end the load when the users do.
// Over SSH hosts, with an agent killed: ssh-hosts.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { fixture, runCli } from '../harness/cli.js';
import { loginScenarioWith } from '../harness/users-csv.js';

describe('unique rows from a data file', () => {
  let app: DemoApp;
  let dir: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: {} });
    dir = mkdtempSync(join(tmpdir(), 'squall-feeders-'));
  });

  afterAll(async () => {
    await app?.close();
  });

  const run = (name: string, rows: number, extra: string[]) => {
    const folder = mkdtempSync(join(dir, `${name}-`));
    const scenario = loginScenarioWith(folder, rows);
    return runCli(['run', scenario, '--env', `TARGET=${app.url}`, '--window', '1s', '--out', join(folder, 'out'), '--db', join(folder, 'runs.db'), ...extra]).then((result) => ({
      result,
      report: ReportSchema.parse(JSON.parse(readFileSync(join(folder, 'out', 'report.json'), 'utf8'))),
    }));
  };

  it('signs each of 500 users in at most once under an arrival rate, and the report says how many were used', async () => {
    app.reset();
    const { result, report } = await run('rate', 500, ['--rate', '12', '--duration', '3s', '--max-vus', '6']);
    expect(result.code, result.stderr).toBe(0);
    const logins = app.logins();
    expect(Object.values(logins).every((n) => n === 1)).toBe(true);
    const signedIn = Object.keys(logins).length;
    expect(signedIn).toBeGreaterThan(10);
    const step = report.steps.find((s) => s.name === 'sign in')!;
    expect(step.count - step.failed).toBe(signedIn);
    expect(report.data).toEqual([{ file: 'users.csv', feeder: '0:users.csv', rows: 500, used: signedIn, left: 500 - signedIn, lostWithHosts: 0 }]);
    expect(result.stdout).toContain(`data users.csv: ${signedIn} of 500 rows used, ${500 - signedIn} left`);
  }, 60_000);

  it('ends the load when the users run out, exit 0, and says so', async () => {
    app.reset();
    const { result, report } = await run('ran-out', 15, ['--rate', '12', '--duration', '10s', '--max-vus', '6']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('the data ran out (users.csv: every row is used): stopping the load; running iterations finish');
    expect(report.run.status).toBe('completed');
    const logins = app.logins();
    expect(Object.keys(logins).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `user${i}`).sort());
    expect(Object.values(logins).every((n) => n === 1)).toBe(true);
    expect(report.data![0]).toMatchObject({ rows: 15, used: 15, left: 0, lostWithHosts: 0 });
    expect(report.data![0]!.ranOutAtMs).toBeLessThan(8000);
    // It ended when the users did, long before its 10 s.
    expect(report.run.durationMs).toBeLessThan(8000);
    expect(report.iterations.failed).toBe(0);
  }, 60_000);
});

describe('setup and teardown', () => {
  let app: DemoApp;
  let dir: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: {} });
    dir = mkdtempSync(join(tmpdir(), 'squall-lifecycle-'));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('setup runs once before the load and every VU gets its result; teardown gets it after, also when the run is stopped with Ctrl-C', async () => {
    const teardown = join(dir, 'teardown.json');
    let interrupted = false;
    const result = await runCli(['run', fixture('lifecycle.scenario.ts'), '--vus', '2', '--duration', '30s', '--window', '1s', '--env', `TARGET=${app.url}`, '--env', `TEARDOWN_FILE=${teardown}`, '--out', join(dir, 'out'), '--db', join(dir, 'runs.db')], {
      watch: ({ stdout }, child) => {
        if (!interrupted && /^\[\s*\d+:\d\d\]\s+vus/m.test(stdout)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^setup done in [\d.]+s$/m);
    expect(result.stderr).toMatch(/^teardown done$/m);
    expect(app.logins()).toEqual({ admin: 1 });
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
    expect(report.run.status).toBe('aborted');
    expect(report.steps[0]).toMatchObject({ name: 'with setup data', failed: 0 });
    expect(report.steps[0]!.count).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(teardown, 'utf8'))).toEqual({ admin: 'admin' });
  }, 60_000);

  it('a setup that throws ends the run before any browser starts: exit 3, the error said once, its secret masked', async () => {
    const result = await runCli(['run', fixture('lifecycle.scenario.ts'), '--vus', '1', '--duration', '2s', '--env', `TARGET=${app.url}`, '--env', 'FAIL_SETUP=1', '--secret', 'API_KEY', '--out', join(dir, 'failed'), '--db', join(dir, 'runs.db')], { env: { API_KEY: 'k3y-s3cret' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('setup failed: Error: no accounts today (key ***)');
    expect(result.stdout + result.stderr).not.toContain('k3y-s3cret');
    expect(result.stderr).not.toMatch(/agent .* ready/);
  }, 60_000);
});
