// The fault suite: what the network, the hosts and the browsers do to long
// tests, done for real on loopback sshd hosts with real Chromium, the demo
// shop's own hit counters as the truth. Each fault asserts the counts (or the
// report's own stated loss bound), that nothing of the run is left, the exit
// code and the hosts' statuses. docs/reliability.md has the figures.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import type { RunTiming } from '../../controller/run/prepare.js';
import type { RunOutcome } from '../../controller/run/request.js';
import { runLoadTest } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';
import type { Report } from '../../src/protocol/report.js';
import { fixture, runCli, runControllerChild, squall } from '../harness/cli.js';
import { processesOfRun, untilNoProcessOfRun } from '../harness/processes.js';
import { agentWindows, runFolders, runProcesses, untilNoRunProcess } from '../harness/lab-runs.js';
import { startSshLab, type LabHost, type SshLab } from '../harness/ssh-lab.js';
import { loginScenarioWith } from '../harness/users-csv.js';

const nameOf = (host: LabHost) => `${host.sshd.address}:${host.sshd.port}`;
/** Faults scheduled by a test: cleared after it, so a test that failed early cannot strike the next one. */
const pending = new Set<NodeJS.Timeout>();
function later(ms: number, fault: () => void): void {
  const timer = setTimeout(() => {
    pending.delete(timer);
    try {
      fault();
    } catch (error) {
      console.error(`the fault failed: ${(error as Error).message}`);
    }
  }, ms);
  pending.add(timer);
}
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return ''; // gone meanwhile
  }
}
const stepOf = (report: Report, name: string) => report.steps.find((s) => s.name === name)!;
const figures: string[] = [];
/**
 * The run's clockwork at test speed (production: 5 s heartbeats, 60 s grace,
 * 15 s reconnect margin): silence is noticed in 3 s, and a host that is gone
 * for good is given up after 5 s + 3 s instead of 75 s.
 */
const SHORT: Partial<RunTiming> = { heartbeatMs: 1000, agentGraceMs: 5000, reconnectMarginMs: 3000 };

describe('faults', () => {
  let lab: SshLab;
  let app: DemoApp;
  let dir: string;

  beforeAll(async () => {
    lab = await startSshLab([{ address: '127.0.0.2' }, { address: '127.0.0.3' }, { address: '127.0.0.4' }]);
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 100, 'POST /api/cart': 50 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-faults-'));
  });

  afterEach(() => {
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
  });

  afterAll(async () => {
    if (figures.length > 0) console.log(['fault figures:', ...figures].join('\n'));
    await app?.close();
    await lab?.stop();
  });

  async function runOnLab(name: string, seconds: number, fault: (t0: number) => void, timing: Partial<RunTiming>): Promise<{ outcome: RunOutcome; io: ReturnType<typeof memoryIo> }> {
    lab.trust();
    app.reset();
    const io = memoryIo();
    const outcome = await runLoadTest(
      {
        scenario: fixture('shop.scenario.ts'),
        flags: { vus: 6, duration: `${seconds}s` },
        env: { TARGET: app.url, THINK_MS: '600' },
        window: '1s',
        out: join(dir, name),
        db: join(dir, `${name}.db`),
        hosts: lab.inventory(lab.hosts.map((host) => ({ host }))),
      },
      io,
      { started: fault, timing },
    );
    return { outcome, io };
  }

  it('an SSH connection killed mid-run is dialled again: nothing lost, nothing counted twice, the host reconnected', async () => {
    const victim = lab.hosts[1]!;
    // Heartbeats of 1 s; the grace stays the production one: the way back is what is tested, not giving up.
    const { outcome, io } = await runOnLab('ssh-drop', 10, () => later(4000, () => victim.sshd.dropConnections()), { heartbeatMs: 1000 });
    const cart = app.stats()['POST /api/cart']!;
    const report = outcome.report;
    expect(io.stderr()).toMatch(/SSH connection back after/);
    expect(outcome.exitCode).toBe(0);
    expect(stepOf(report, 'add to cart').count).toBe(cart.hits);
    expect(stepOf(report, 'home').count).toBe(app.stats()['GET /api/products']!.hits);
    const host = report.agents.find((a) => a.host === nameOf(victim))!;
    expect(host).toMatchObject({ status: 'done' });
    expect(host.reconnects).toBeGreaterThanOrEqual(1);
    expect(report.agents.map((a) => a.status)).toEqual(['done', 'done', 'done']);
    const cleanMs = await untilNoRunProcess(lab.hosts, 10_000);
    figures.push(`ssh drop: served ${cart.hits}, reported ${stepOf(report, 'add to cart').count}, reconnects ${host.reconnects}, longest gap ${host.longestGapMs} ms, clean ${cleanMs} ms`);
  }, 120_000);

  it('an agent killed with SIGKILL: the host is lost, the run completes on the others and keeps its windows, and what is missing stays within the loss the report states', async () => {
    const victim = lab.hosts[2]!;
    let killedAt = 0;
    // The agent itself, not the shell around it (whose command line quotes the path): its exit code reaches the watcher.
    const { outcome, io } = await runOnLab(
      'agent-kill',
      8,
      () =>
        later(4000, () => {
          killedAt = Date.now();
          execFileSync('pkill', ['-KILL', '-f', `[${victim.workDir[0]}]${victim.workDir.slice(1)}/runs/[^ ]*/agent[.]mjs --config`]);
        }),
      SHORT,
    );
    const cart = app.stats()['POST /api/cart']!;
    const report = outcome.report;
    expect(killedAt).toBeGreaterThan(0);
    expect(outcome.exitCode).toBe(0);
    const lost = report.agents.find((a) => a.host === nameOf(victim))!;
    expect(lost.status).toBe('lost');
    expect(Date.parse(lost.lostAt!)).toBeGreaterThanOrEqual(killedAt);
    expect(lost.windows).toBeGreaterThanOrEqual(1);
    expect(io.stderr()).toMatch(/marked lost/);
    expect(lost.loss).toBeDefined();
    const missing = cart.hits - stepOf(report, 'add to cart').count;
    expect(missing).toBeGreaterThanOrEqual(0);
    expect(missing).toBeLessThanOrEqual(lost.loss!.iterationsAtMost!);
    expect(report.agents.filter((a) => a.status === 'done')).toHaveLength(2);
    // What the lost host delivered is in the totals: the totals are the sum of every stored window.
    expect(agentWindows(join(dir, 'agent-kill.db'), outcome.runId).get(lost.id)?.windows).toBe(lost.windows);
    const seriesCount = report.series.reduce((sum, p) => sum + (p.steps['add to cart']?.count ?? 0), 0);
    expect(stepOf(report, 'add to cart').count).toBe(seriesCount);
    // Cleanup is done when the run returns: nothing of it is left on any host.
    for (const host of lab.hosts) {
      expect(runProcesses(host)).toBe('');
      expect(runFolders(host)).toEqual([]);
    }
    const cleanMs = await untilNoRunProcess(lab.hosts, 10_000);
    figures.push(`agent kill -9: served ${cart.hits}, reported ${stepOf(report, 'add to cart').count}, stated at most ${lost.loss!.iterationsAtMost} missing (${lost.loss!.undeliveredWindows} windows), clean ${cleanMs} ms`);
  }, 120_000);

  it('unique users over 3 hosts under an arrival rate, an agent killed mid-run: no user signs in twice, and the rows used cover every sign-in', async () => {
    const victim = lab.hosts[0]!;
    lab.trust();
    app.reset();
    const folder = mkdtempSync(join(dir, 'users-'));
    let killedAt = 0;
    const outcome = await runLoadTest(
      {
        scenario: loginScenarioWith(folder, 500),
        flags: { rate: 6, duration: '6s', maxVus: 6, preAllocatedVus: 6 },
        env: { TARGET: app.url },
        window: '1s',
        out: join(folder, 'out'),
        db: join(folder, 'runs.db'),
        hosts: lab.inventory(lab.hosts.map((host) => ({ host }))),
      },
      memoryIo(),
      {
        started: () =>
          later(3000, () => {
            killedAt = Date.now();
            execFileSync('pkill', ['-KILL', '-f', `[${victim.workDir[0]}]${victim.workDir.slice(1)}/runs/[^ ]*/agent[.]mjs --config`]);
          }),
        timing: SHORT,
      },
    );
    expect(killedAt).toBeGreaterThan(0);
    expect(outcome.report.agents.find((a) => a.host === nameOf(victim))!.status).toBe('lost');
    const logins = app.logins();
    expect(Object.values(logins).filter((n) => n > 1)).toEqual([]);
    const signedIn = Object.keys(logins).length;
    const [data] = outcome.report.data!;
    // Rows a lost host had started may or may not have been used; every other used row is a sign-in.
    expect(data).toMatchObject({ file: 'users.csv', rows: 500 });
    expect(signedIn).toBeGreaterThanOrEqual(data!.used - data!.lostWithHosts);
    expect(signedIn).toBeLessThanOrEqual(data!.used);
    expect(data!.used + data!.left).toBe(500);
    figures.push(`unique users, agent kill -9: ${signedIn} signed in once each, ${data!.used} rows used (${data!.lostWithHosts} with the lost host), ${data!.left} left`);
  }, 120_000);

  it('a Chromium killed mid-run: its agent stops early and says why; what it reported was served', async () => {
    const tmp = join(dir, 'tmp-chromium');
    mkdirSync(tmp);
    app.reset();
    let killed = false;
    const out = join(dir, 'chromium-crash');
    const result = await runCli(
      ['run', fixture('shop.scenario.ts'), '--vus', '2', '--duration', '20s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'chromium.db')],
      {
        env: { TMPDIR: tmp },
        watch: ({ stdout }) => {
          // A few windows of steps first, so that there is something to reconcile.
          if (!killed && (stdout.match(/^\[ *\d+:\d\d\] .* steps [1-9]/gm) ?? []).length >= 3) {
            killed = true;
            const browsers = processesOfRun(tmp).filter((pid) => /chrom/.test(commandOf(pid)));
            if (browsers.length > 0) execFileSync('kill', ['-KILL', ...browsers.map(String)]);
          }
        },
      },
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const cart = app.stats()['POST /api/cart']!;
    const step = stepOf(report, 'add to cart');
    expect(killed).toBe(true);
    expect(result.code).toBe(0);
    expect(report.agents[0]).toMatchObject({ status: 'done', error: 'stopped early: Chromium exited' });
    // Every success was served; every request served was an attempt (one cut short by the crash may not have reached the shop).
    expect(step.count - step.failed).toBeLessThanOrEqual(cart.hits - cart.errors);
    expect(cart.hits).toBeLessThanOrEqual(step.count);
    expect(step.count - cart.hits).toBeLessThanOrEqual(2);
    const cleanMs = await untilNoProcessOfRun(tmp, 10_000);
    figures.push(`chromium kill: served ${cart.hits}, reported ${step.count} attempts (${step.failed} failed), clean ${cleanMs} ms`);
  }, 120_000);

  it('the controller killed with SIGKILL: every remote agent stops by itself within its grace, and the run reads interrupted', async () => {
    lab.trust();
    app.reset();
    const db = join(dir, 'controller-kill.db');
    let killedAt = 0;
    // A controller process of its own (so that it can be killed) with the short clockwork: a grace of 5 s.
    await runControllerChild(
      {
        scenario: fixture('shop.scenario.ts'),
        flags: { vus: 3, duration: '2m' },
        env: { TARGET: app.url },
        window: '1s',
        out: join(dir, 'controller-kill'),
        db,
        hosts: lab.inventory(lab.hosts.map((host) => ({ host }))),
        dashboard: false,
      },
      SHORT,
      {
        timeoutMs: 90_000,
        watch: ({ stdout }, child) => {
          if (killedAt === 0 && (stdout.match(/^\[ *\d+:\d\d\] .* steps [1-9]/gm) ?? []).length >= 2) {
            killedAt = Date.now();
            child.kill('SIGKILL');
          }
        },
      },
    );
    expect(killedAt).toBeGreaterThan(0);
    await untilNoRunProcess(lab.hosts, 30_000);
    const sinceKill = Date.now() - killedAt;
    // Not before the grace (they outlive their dead SSH sessions), and within the grace + 10 s
    // (and the poll's own moment).
    expect(sinceKill).toBeGreaterThanOrEqual(SHORT.agentGraceMs! - 1000);
    expect(sinceKill).toBeLessThanOrEqual(SHORT.agentGraceMs! + 11_000);
    // The store calls a run interrupted once its controller has missed two of its heartbeats (10 s).
    let runs = await squall(['runs', '--db', db]);
    for (let tries = 0; tries < 20 && !/ interrupted /.test(runs.stdout); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      runs = await squall(['runs', '--db', db]);
    }
    expect(runs.stdout).toMatch(/ interrupted /);
    const report = await squall(['report', 'last', '--db', db]);
    expect(report.code).toBe(3);
    expect(report.stdout).toContain('PARTIAL');
    figures.push(`controller kill -9 over SSH (grace ${SHORT.agentGraceMs! / 1000} s): agents and Chromium gone ${sinceKill} ms after the kill`);
    // The run folders stay (the controller that would remove them is gone); the next cleanup of the run would.
    for (const host of lab.hosts) execFileSync('rm', ['-rf', join(host.workDir, 'runs')]);
  }, 120_000);

  it('a host whose sshd goes away for good: its agent gives up after its grace, the host is lost, the run completes on the others', async () => {
    const victim = lab.hosts[0]!;
    const { outcome, io } = await runOnLab(
      'sshd-gone',
      8,
      () =>
        later(3000, () => {
          // Its connections first: once the listener is gone they would no longer be its children.
          victim.sshd.dropConnections();
          void victim.sshd.stop();
        }),
      SHORT,
    );
    const report = outcome.report;
    expect(outcome.exitCode).toBe(0);
    const lost = report.agents.find((a) => a.host === nameOf(victim))!;
    expect(lost.status).toBe('lost');
    expect(lost.loss!.undeliveredWindows).toBeGreaterThan(0);
    expect(report.agents.filter((a) => a.status === 'done')).toHaveLength(2);
    expect(io.stderr()).toMatch(new RegExp(`cleanup: ${nameOf(victim).replace(/\./g, '\\.')}: cleanup failed`));
    // Out of reach, its agent stopped by itself once its grace was over.
    const goneMs = await untilNoRunProcess([victim], 25_000);
    figures.push(`sshd gone for good (grace ${SHORT.agentGraceMs! / 1000} s): lost, ${lost.loss!.undeliveredWindows} windows undelivered, at most ${lost.loss!.iterationsAtMost ?? '?'} iterations missing; its agent gone ${goneMs} ms after the run ended`);
  }, 150_000);
});
