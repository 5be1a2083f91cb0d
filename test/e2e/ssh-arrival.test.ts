// Arrival rates over real OpenSSH hosts (three sshd "hosts" on 127.0.0.x):
// the run's schedule split by weight, flows with loads of their own, and a
// lost host's share. Each window's count and "none dropped" need the machine
// to the run alone (test/harness/machine-lock.ts), so these are apart from
// ssh-hosts.test.ts (beside another file, the flow loads' run dropped 2).
import Database from 'better-sqlite3';
import { execSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunHooks, RunRequest } from '../../controller/run/request.js';
import { runLoadTest } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';
import { WindowBodySchema } from '../../src/protocol/messages.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture } from '../harness/cli.js';
import { startSshLab, type LabHost, type SshLab } from '../harness/ssh-lab.js';

/** SIGKILL the agent a run started on `host`: a host that vanishes mid-run. */
function killAgentOn(host: LabHost): void {
  execSync(`pkill -KILL -f '[${host.workDir[0]}]${host.workDir.slice(1)}/runs/.*/agent[.]mjs'`);
}

describe('arrival rates over SSH hosts', () => {
  let lab: SshLab;
  let app: DemoApp;
  let dir: string;
  let good: LabHost[];

  beforeAll(async () => {
    lab = await startSshLab([{ address: '127.0.0.7' }, { address: '127.0.0.8' }, { address: '127.0.0.9' }]);
    good = lab.hosts;
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 100, 'POST /api/cart': 50 }, cartErrorRate: 0.2 });
    dir = mkdtempSync(join(tmpdir(), 'squall-ssh-arrival-'));
  });

  afterAll(async () => {
    await app?.close();
    await lab?.stop();
  });

  /** A run named `name` on the lab against the shop, from a fresh count; its output and report. */
  async function runOnLab(name: string, request: Pick<RunRequest, 'scenario' | 'flags' | 'window' | 'hosts'>, hooks?: RunHooks) {
    lab.trust();
    app.reset();
    const io = memoryIo();
    const outcome = await runLoadTest({ ...request, env: { TARGET: app.url }, out: join(dir, name), db: join(dir, `${name}.db`) }, io, hooks);
    return { io, outcome };
  }

  it('splits an arrival rate of two flows over hosts weighted 1, 2, 1: the total is what was asked, each window shared by weight, the mix held', async () => {
    const { io, outcome } = await runOnLab('arrival', {
      scenario: fixture('flows.scenario.ts'),
      // Every VU made before the clock starts: one made mid-run can come too late for its arrival (one was dropped so).
      flags: { rate: 8, duration: '5s', maxVus: 12, preAllocatedVus: 12 },
      window: '1s',
      hosts: lab.inventory([{ host: good[0]! }, { host: good[1]!, weight: 2 }, { host: good[2]! }]),
    });
    expect(io.stderr()).not.toMatch(/internal error/);
    expect(outcome.exitCode).toBe(0);
    const arrival = outcome.report.arrival!;
    expect(arrival).toMatchObject({ expected: 40, dropped: 0 });
    expect(arrival.started).toBe(app.stats()['GET /api/products']!.hits);
    expect(Math.abs(arrival.started - 40)).toBeLessThanOrEqual(1);
    expect(outcome.report.agents.map((a) => a.vus)).toEqual([3, 6, 3]);
    // Each host runs its own arrivals 8:2, so the run's mix is 8:2 to within one iteration per host.
    const [browse, checkout] = outcome.report.flows!;
    expect(Math.abs(checkout!.started - arrival.started * 0.2)).toBeLessThanOrEqual(3);
    expect(browse!.started + checkout!.started).toBe(arrival.started);
    expect(outcome.report.steps.find((s) => s.name === 'checkout/add to cart')!.count).toBe(app.stats()['POST /api/cart']!.hits);
    // Every window of 1 s holds 8 arrivals: 2, 4 and 2 by weight, each host within one of its share.
    const weights = [1, 2, 1];
    const db = new Database(join(dir, 'arrival.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT agent_id, body FROM agent_windows WHERE run_id = ?').all(outcome.runId) as Array<{ agent_id: string; body: string }>;
      const started = new Map<number, Map<string, number>>();
      for (const row of rows) {
        const body = WindowBodySchema.parse((JSON.parse(row.body) as { window: unknown }).window);
        const perAgent = started.get(body.windowStart) ?? new Map<string, number>();
        perAgent.set(row.agent_id, body.iterations.started);
        started.set(body.windowStart, perAgent);
      }
      const t0 = Date.parse(outcome.report.run.startedAt);
      const inside = [...started.entries()].filter(([start]) => start >= t0 && start + 1000 <= t0 + 5_000);
      expect(inside.length).toBeGreaterThanOrEqual(3);
      for (const [, perAgent] of inside) {
        const total = [...perAgent.values()].reduce((a, b) => a + b, 0);
        expect(Math.abs(total - 8)).toBeLessThanOrEqual(1);
        outcome.report.agents.forEach((agent, i) => {
          expect(Math.abs((perAgent.get(agent.id) ?? 0) - (total * weights[i]!) / 4), `${agent.host}: ${JSON.stringify([...perAgent])}`).toBeLessThanOrEqual(1);
        });
      }
    } finally {
      db.close();
    }
  }, 120_000);

  it('runs flows with loads of their own over two hosts: each load split on its own, the checkouts on schedule', async () => {
    const { io, outcome } = await runOnLab('flow-loads', {
      scenario: fixture('flow-loads.scenario.ts'),
      flags: { duration: '6s' },
      window: '2s',
      hosts: lab.inventory([{ host: good[0]! }, { host: good[1]! }]),
    });
    expect(io.stderr()).not.toMatch(/internal error/);
    expect(outcome.exitCode).toBe(0);
    // browse: 1 VU a host; checkout: at most 3 a host, 2/s over both
    expect(outcome.report.agents.map((a) => a.vus)).toEqual([4, 4]);
    const [account] = outcome.report.arrivals!;
    // On a quiet host none is dropped; a busy one (this test beside others) may drop one, and the counts still reconcile.
    expect(account).toMatchObject({ flows: ['checkout'], expected: 12, scheduled: 12 });
    expect(account!.started + account!.dropped).toBe(12);
    expect(account!.dropped).toBeLessThanOrEqual(1);
    expect(outcome.report.steps.find((s) => s.name === 'checkout/add to cart')!.count).toBe(app.stats()['POST /api/cart']!.hits);
    const browse = outcome.report.flows!.find((f) => f.name === 'browse')!;
    expect(browse.busyMax).toBeLessThanOrEqual(2);
    expect(browse.started + account!.started).toBe(app.stats()['GET /api/products']!.hits);
  }, 120_000);

  it("keeps a lost host's share of an arrival rate to itself, and says how many arrivals were never run", async () => {
    const victim = good[2]!;
    const victimId = `${victim.sshd.address}:${victim.sshd.port}`;
    let killed = false;
    const { io, outcome } = await runOnLab(
      'arrival-lost',
      {
        scenario: fixture('arrival.scenario.ts'),
        flags: { rate: 6, duration: '8s', maxVus: 18, preAllocatedVus: 18 },
        window: '2s',
        hosts: lab.inventory(good.map((host) => ({ host }))),
      },
      {
        windowCommitted: (agentId) => {
          if (!killed && agentId === victimId) {
            killed = true;
            killAgentOn(victim);
          }
        },
      },
    );
    expect(killed).toBe(true);
    expect(outcome.report.agents.find((a) => a.id === victimId)!.status).toBe('lost');
    const arrival = outcome.report.arrival!;
    // The others ran their own thirds, no more: what the lost host would have run is counted apart, not dropped.
    expect(arrival.notRun!.agents).toEqual([victimId]);
    expect(arrival.notRun!.count).toBeGreaterThan(5);
    expect(arrival.scheduled + arrival.notRun!.count).toBe(48);
    expect(arrival.dropped).toBe(0);
    const others = outcome.report.agents.filter((a) => a.id !== victimId);
    for (const agent of others) expect(Math.abs(agent.iterations.started - 16)).toBeLessThanOrEqual(1);
    expect(io.stdout()).toMatch(new RegExp(`\\d+ arrivals were never run: ${victimId.replace(/\./g, '\\.')} lost, and a lost host's share is not given to the others`));
  }, 120_000);

});
