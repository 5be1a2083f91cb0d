// Distributed runs over real OpenSSH: three sshd "hosts" on 127.0.0.x, each
// with its own host key, config, authorized key and work folder, plus one
// whose Chromium is hidden. Agents reach the controller through SSH remote
// forwards; nothing listens on anything but loopback.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../controller/run/request.js';
import { runLoadTest } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture, runCli } from '../harness/cli.js';
import { agentWindows, runFolders, runProcesses } from '../harness/lab-runs.js';
import { CHROMIUM_FILES, startSshLab, type LabHost, type SshLab } from '../harness/ssh-lab.js';
import { generateKey } from '../harness/sshd.js';
import { filesUnder, SECRET, secretForms } from '../harness/secret-leaks.js';
import { reportedServed, servedByLabel, startWildSite } from '../harness/wild-site.js';

describe('agents on hosts over SSH', () => {
  let lab: SshLab;
  let app: DemoApp;
  let dir: string;
  let good: LabHost[];
  let noChromium: LabHost;
  let noSftp: LabHost;
  // Every login shell on the first host adds a line here (its .bashrc does): what each command over SSH costs there.
  const loginShells = join(tmpdir(), `squall-login-shells-${process.pid}`);
  const loginShellsSoFar = () => readFileSync(loginShells, 'utf8').split('\n').filter(Boolean).length;

  beforeAll(async () => {
    writeFileSync(loginShells, '');
    lab = await startSshLab([
      { address: '127.0.0.2', shellStartup: `echo started >> ${loginShells}\n` },
      { address: '127.0.0.3' },
      // Its shell start-up prints and is slow (as a .bashrc that runs pyenv's or nvm's init), as some hosts' is:
      // squall's commands must not mind, and hosts check says what each command costs there.
      { address: '127.0.0.4', shellStartup: 'echo "welcome to the load host"\nsleep 0.4\n' },
      { address: '127.0.0.5', hide: CHROMIUM_FILES },
      { address: '127.0.0.6', sftp: false },
    ]);
    good = lab.hosts.slice(0, 3);
    noChromium = lab.hosts[3]!;
    noSftp = lab.hosts[4]!;
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 100, 'POST /api/cart': 50 }, cartErrorRate: 0.2 });
    dir = mkdtempSync(join(tmpdir(), 'squall-ssh-e2e-'));
  });

  afterAll(async () => {
    await app?.close();
    await lab?.stop();
    rmSync(loginShells, { force: true });
  });

  describe('a 3-host run', () => {
    let outcome: RunOutcome;
    const io = memoryIo();
    const dbPath = () => join(dir, 'three.db');

    beforeAll(async () => {
      lab.trust();
      app.reset();
      outcome = await runLoadTest(
        {
          scenario: fixture('shop.scenario.ts'),
          flags: { vus: 8, duration: '8s' },
          env: { TARGET: app.url, THINK_MS: '600' },
          window: '1s',
          out: join(dir, 'three'),
          db: dbPath(),
          hosts: lab.inventory([{ host: good[0]!, weight: 2 }, { host: good[1]! }, { host: good[2]! }]),
        },
        io,
      );
    }, 120_000);

    it('completes, with every host done', () => {
      expect(io.stderr()).not.toMatch(/cleanup:|internal error/);
      expect(outcome.exitCode).toBe(0);
      // Cold hosts: the probe's login shell also starts the agent (its files' links with it), cleanup is the
      // other; the files go by SFTP (sshd's internal one here: no shell) with no command before or after.
      expect(io.stderr()).toMatch(/bundles uploaded in [\d.]+s \(6 files sent, 0 already there\)/);
      expect(loginShellsSoFar()).toBe(2);
      expect(outcome.report.agents.map((a) => [a.host, a.status])).toEqual(good.map((h) => [`${h.sshd.address}:${h.sshd.port}`, 'done']));
    });

    it('merges every host\'s windows into counts that reconcile exactly with the app', () => {
      const cart = app.stats()['POST /api/cart']!;
      const step = outcome.report.steps.find((s) => s.name === 'add to cart')!;
      // Every VU added to its cart at least once (how many times more depends on how busy the machine is).
      expect(cart.hits).toBeGreaterThanOrEqual(outcome.report.vus.max);
      expect(step.count).toBe(cart.hits);
      expect(step.failed).toBe(cart.errors);
      expect(outcome.report.steps.find((s) => s.name === 'home')!.count).toBe(app.stats()['GET /api/products']!.hits);
      // The agent bundle carries web-vitals and the collector to hosts without node_modules: requests and vitals merge across hosts.
      const cartRequests = outcome.report.requests!.find((r) => r.label.endsWith('/api/cart'))!;
      expect(cartRequests.count).toBe(cart.hits);
      expect(outcome.report.pageViews!.views).toBe(outcome.report.steps.find((s) => s.name === 'home')!.count);
    });

    it('gave each host its weighted share of the VUs, and each ran it', () => {
      expect(outcome.report.agents.map((a) => a.vus)).toEqual([4, 2, 2]);
      const windows = agentWindows(dbPath(), outcome.runId);
      expect(outcome.report.agents.map((a) => windows.get(a.id)?.vusMax)).toEqual([4, 2, 2]);
      expect(outcome.report.vus.max).toBe(8);
    });

    it('keeps one merged series that covers all three hosts', () => {
      const db = new Database(dbPath(), { readonly: true });
      try {
        const merged = (db.prepare('SELECT body FROM merged_windows WHERE run_id = ? ORDER BY window_start').pluck().all(outcome.runId) as string[]).map(
          (b) => JSON.parse(b) as { agents: number; windowStart: number; windowMs: number },
        );
        expect(merged.length).toBe(outcome.report.series.length);
        // Within the plan every host reports every window; after it, each ends its last iteration on its own time.
        const planEnd = Date.parse(outcome.report.run.startedAt) + 8_000;
        const withinPlan = merged.filter((w) => w.windowStart + w.windowMs <= planEnd);
        expect(withinPlan.length).toBeGreaterThanOrEqual(7);
        expect(withinPlan.every((w) => w.agents === 3)).toBe(true);
        expect(merged.every((w) => w.agents >= 1)).toBe(true);
      } finally {
        db.close();
      }
      const seriesCount = outcome.report.series.reduce((sum, p) => sum + (p.steps['add to cart']?.count ?? 0), 0);
      expect(seriesCount).toBe(app.stats()['POST /api/cart']!.hits);
    });

    it('leaves no agent or Chromium process and no run folder on any host', () => {
      for (const host of good) {
        expect(runProcesses(host)).toBe('');
        expect(runFolders(host)).toEqual([]);
        // The content-addressed cache stays, so the next run skips the upload.
        expect(readdirSync(join(host.workDir, 'cache')).some((f) => f.endsWith('-agent.mjs'))).toBe(true);
      }
      expect(io.stderr()).toMatch(/3 agents ready [\d.]+s after the command started/);
    });
  });

  it('a threshold with abortOnFail stops both hosts\' load within a window of the one it failed in (exit 4)', async () => {
    lab.trust();
    const io = memoryIo();
    const planned = 30_000;
    const shellsBefore = loginShellsSoFar();
    const outcome = await runLoadTest(
      {
        scenario: fixture('shop.scenario.ts'),
        flags: { vus: 4, duration: `${planned / 1000}s` },
        env: { TARGET: app.url, THINK_MS: '200' },
        // /api/products answers in 100 ms: home's p95 is over 1 ms as soon as home has run once.
        thresholds: ['step:home:p95<1'],
        abortOnFail: { delay: '2s' },
        // 2 s windows: the stop has the window after the failing one to reach both hosts, on a busy machine too.
        window: '2s',
        out: join(dir, 'aborted'),
        db: join(dir, 'aborted.db'),
        hosts: lab.inventory([{ host: good[0]! }, { host: good[1]! }]),
      },
      io,
    );
    expect(outcome.exitCode).toBe(4);
    const { run, series, agents } = outcome.report;
    expect(run.status).toBe('completed');
    expect(run.stoppedBy).toMatchObject({ threshold: { target: 'step:home', expression: 'p95<1', abortOnFail: true, delayAbortEvalMs: 2000 } });
    expect(run.stoppedBy!.detail).toMatch(/^p95 was [\d.]+ms, not < 1ms$/);
    expect(run.stoppedBy!.atMs).toBeGreaterThanOrEqual(2000);
    expect(agents.map((a) => a.status)).toEqual(['done', 'done']);
    // The window after the failing one may still start iterations (the stop is on its way); none after it does.
    const failingEnd = run.stoppedBy!.atMs;
    const after = series.filter((point) => point.t >= failingEnd + 2000);
    expect(series.filter((point) => point.t < failingEnd).some((point) => point.iterations.started > 0)).toBe(true);
    expect(after.map((point) => point.iterations.started).filter((started) => started > 0)).toEqual([]);
    expect(run.durationMs).toBeLessThan(planned / 2);
    expect(io.stderr()).toMatch(/threshold step:home: p95<1 failed \(p95 was [\d.]+ms, not < 1ms\) at \d+s into the load: stopping the load/);
    expect(io.stdout()).toMatch(/the load was stopped by threshold step:home: p95<1 at \d+s into the load/);
    // A warm host (the 3-host run left its files there): the probe's login shell also starts the agent; cleanup is the other.
    expect(io.stderr()).toMatch(/bundles uploaded in [\d.]+s \(0 files sent, 4 already there\)/);
    expect(loginShellsSoFar() - shellsBefore).toBe(2);
  }, 90_000);

  it('an edited scenario travels inside the agent\'s start: no SFTP, no command of its own, whole in the cache', async () => {
    lab.trust();
    const edited = join(dir, 'edited.scenario.ts');
    writeFileSync(edited, `${readFileSync(fixture('shop.scenario.ts'), 'utf8')}\n// edited ${Date.now()}\n`);
    const cache = join(good[0]!.workDir, 'cache');
    const cachedBefore = new Set(readdirSync(cache));
    const shellsBefore = loginShellsSoFar();
    const io = memoryIo();
    const outcome = await runLoadTest(
      {
        scenario: edited,
        flags: { vus: 1, duration: '2s' },
        env: { TARGET: app.url },
        window: '1s',
        out: join(dir, 'edited'),
        db: join(dir, 'edited.db'),
        hosts: lab.inventory([{ host: good[0]! }]),
      },
      io,
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report.steps.find((s) => s.name === 'home')!.count).toBeGreaterThan(0);
    expect(io.stderr()).toMatch(/bundles uploaded in [\d.]+s \(1 files sent, 1 already there\)/);
    // The probe's login shell writes the scenario and starts the agent; cleanup is the other.
    expect(loginShellsSoFar() - shellsBefore).toBe(2);
    const added = readdirSync(cache).filter((name) => !cachedBefore.has(name));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^[0-9a-f]{64}-scenario\.mjs$/);
    const sha256 = execFileSync('sha256sum', [join(cache, added[0]!)], { encoding: 'utf8' }).split(' ')[0];
    expect(added[0]!.startsWith(`${sha256}-`)).toBe(true);
  });

  describe('host keys', () => {
    const name = (host: LabHost) => `${host.sshd.address}:${host.sshd.port}`;
    const fingerprintOf = (host: LabHost) =>
      execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${host.sshd.hostKeyPath}.pub`], { encoding: 'utf8' }).split(' ')[1]!;

    it('refuses an unknown key, naming its SHA256 fingerprint', async () => {
      lab.trust([]);
      const result = await runCli(['hosts', 'check', lab.inventory([{ host: good[0]! }])]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`unknown host key ssh-ed25519 ${fingerprintOf(good[0]!)}`);
      expect(result.stdout).toMatch(/^127\.0\.0\.2:\d+\s+ok\s+unknown\s+-\s/m);
      expect(result.stdout).toContain('--accept-new-host-keys');
      expect(readFileSync(lab.knownHostsPath, 'utf8').trim()).toBe('');
    });

    it('trusts and records a new key with --accept-new-host-keys', async () => {
      lab.trust([]);
      const result = await runCli(['hosts', 'check', lab.inventory([{ host: good[0]! }]), '--accept-new-host-keys']);
      expect(result.code).toBe(0);
      expect(readFileSync(lab.knownHostsPath, 'utf8')).toBe(`${good[0]!.sshd.knownHostsLine}\n`);
      const again = await runCli(['hosts', 'check', lab.inventory([{ host: good[0]! }])]);
      expect(again.code).toBe(0);
    });

    it('refuses a changed key even with --accept-new-host-keys', async () => {
      // known_hosts holds host 1's key for host 0's address: as if host 0 had been replaced.
      const [type, key] = good[1]!.sshd.hostPublicKey.split(' ');
      writeFileSync(lab.knownHostsPath, `[${good[0]!.sshd.address}]:${good[0]!.sshd.port} ${type} ${key}\n`);
      const inventory = lab.inventory([{ host: good[0]! }]);
      const result = await runCli(['hosts', 'check', inventory, '--accept-new-host-keys']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`${name(good[0]!)}`);
      expect(result.stdout).toContain(`HOST KEY CHANGED: it offered ssh-ed25519 ${fingerprintOf(good[0]!)}`);
      const run = await runCli(['run', fixture('shop.scenario.ts'), '--hosts', inventory, '--accept-new-host-keys', '--env', `TARGET=${app.url}`]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/HOST KEY CHANGED/);
      expect(readFileSync(lab.knownHostsPath, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    });
  });

  it('authenticates through ssh-agent when the hosts file names no key', async () => {
    lab.trust();
    const agentDir = mkdtempSync(join(tmpdir(), 'squall-agent-'));
    const socket = join(agentDir, 'agent.sock');
    const started = execFileSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
    const pid = /SSH_AGENT_PID=(\d+)/.exec(started)![1]!;
    try {
      execFileSync('ssh-add', ['-q', lab.userKey.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const inventory = lab.inventory([{ host: good[0]! }], { identityFile: false });
      // A home with no ~/.ssh: the only way in is the agent.
      const result = await runCli(['hosts', 'check', inventory], { env: { HOME: agentDir, SSH_AUTH_SOCK: socket } });
      expect(result.stdout).toMatch(/the host can run agents/);
      expect(result.code).toBe(0);
      const without = await runCli(['hosts', 'check', inventory], { env: { HOME: agentDir, SSH_AUTH_SOCK: '' } });
      expect(without.code).toBe(1);
      expect(without.stdout).toMatch(/no identity file and no ssh-agent/);
    } finally {
      process.kill(Number(pid));
    }
  });

  it('a key the host does not accept, from a file or from ssh-agent: authentication failed, naming what was tried', async () => {
    lab.trust();
    const strangerDir = mkdtempSync(join(tmpdir(), 'squall-stranger-'));
    const stranger = generateKey(join(strangerDir, 'id_ed25519'));
    const socket = join(strangerDir, 'agent.sock');
    const started = execFileSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
    const pid = /SSH_AGENT_PID=(\d+)/.exec(started)![1]!;
    try {
      execFileSync('ssh-add', ['-q', stranger.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const inventory = lab.inventory([{ host: good[0]! }], { identityFile: false });
      const withStrangerKey = join(strangerDir, 'hosts.yaml');
      writeFileSync(withStrangerKey, readFileSync(lab.inventory([{ host: good[0]! }]), 'utf8').replace(lab.userKey.privateKeyPath, stranger.privateKeyPath));
      const viaFile = await runCli(['hosts', 'check', withStrangerKey], { env: { HOME: strangerDir, SSH_AUTH_SOCK: '' } });
      expect(viaFile.code).toBe(1);
      expect(viaFile.stdout).toContain(`authentication failed for user root (tried key ${stranger.privateKeyPath})`);
      const viaAgent = await runCli(['hosts', 'check', inventory], { env: { HOME: strangerDir, SSH_AUTH_SOCK: socket } });
      expect(viaAgent.code).toBe(1);
      expect(viaAgent.stdout).toContain('authentication failed for user root (tried ssh-agent)');
    } finally {
      process.kill(Number(pid));
      rmSync(strangerDir, { recursive: true, force: true });
    }
  });

  it('hosts check: a good host passes, a host without Chromium is unusable and named, a slow shell start-up is told', async () => {
    lab.trust();
    const slowShell = good[2]!;
    const result = await runCli(['hosts', 'check', lab.inventory([{ host: good[0]! }, { host: noChromium }, { host: slowShell }])]);
    expect(result.code).toBe(1);
    const rows = result.stdout.split('\n');
    const goodRow = rows.find((r) => r.startsWith(`${good[0]!.sshd.address}:`))!;
    const badRow = rows.find((r) => r.startsWith(`${noChromium.sshd.address}:`))!;
    const slowRow = rows.find((r) => r.startsWith(`${slowShell.sshd.address}:`))!;
    expect(goodRow).toMatch(/ok\s+ok\s+ok\s+Debian.*v20\.\d+\.\d+\s+\/usr\/bin\/chromium-headless-shell \(\d+\.[\d.]+\).*\s+sftp\s+\d+ms\s+ok$/);
    const commandMs = (row: string) => Number(/\s(\d+)ms\s+ok$/.exec(row)?.[1]);
    expect(commandMs(goodRow)).toBeLessThan(250);
    // Its .bashrc sleeps 0.4 s: every command there pays it, and the note says how to keep it out. The
    // clock starts when the controller hears the command began, which a busy machine delays (CI once read
    // 280 ms for a 0.3 s sleep): the bound keeps 100 ms for that.
    expect(commandMs(slowRow)).toBeGreaterThanOrEqual(300);
    const note = rows.find((r) => r.startsWith('slow commands on '));
    expect(note).toContain(`${slowShell.sshd.address}:${slowShell.sshd.port} (`);
    expect(note).not.toContain(`${good[0]!.sshd.address}:${good[0]!.sshd.port} (`);
    expect(note).toContain('case $- in *i*) ;; *) return;; esac');
    expect(badRow).toMatch(/missing.*UNUSABLE: no Chromium \(squall hosts prepare installs it, or install the chromium-headless-shell package\)$/);
    expect(result.stdout).toMatch(/1 of 3 hosts cannot run agents/);
  });

  it('calibrate --hosts: each host serves its own demo shop and gets a suggested maxVUs', async () => {
    lab.trust();
    // One level: stepping through levels is calibrate.test.ts's; here, each host's own shop and suggestion.
    const result = await runCli(['calibrate', '--hosts', lab.inventory([{ host: good[0]! }, { host: good[1]! }]), '--max-vus', '1', '--hold', '5s']);
    expect(result.code).toBe(0);
    for (const host of [good[0]!, good[1]!]) {
      const name = `${host.sshd.address}:${host.sshd.port}`;
      expect(result.stdout).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: 1-VU p50 \\d+ms$`, 'm'));
      expect(result.stdout).toContain(`  - { host: ${name}, maxVUs: `);
      expect(runProcesses(host)).toBe('');
    }
  });

  it('run --no-prepare: an unusable host fails the run before it starts, naming the host; --min-hosts goes on without it', async () => {
    lab.trust();
    app.reset();
    const inventory = lab.inventory([{ host: good[0]! }, { host: noChromium }]);
    // --no-prepare: else squall would apt-get install Chromium on this very machine, whose Chromium the host only hides.
    const refused = await runCli(['run', fixture('shop.scenario.ts'), '--hosts', inventory, '--no-prepare', '--env', `TARGET=${app.url}`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`unusable host ${noChromium.sshd.address}:${noChromium.sshd.port}: no Chromium`);
    expect(app.stats()).toEqual({});
    const out = join(dir, 'min-hosts');
    const result = await runCli([
      'run', fixture('shop.scenario.ts'), '--hosts', inventory, '--no-prepare', '--min-hosts', '1',
      '--vus', '2', '--duration', '2s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'min.db'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('going on with 1 of 2 hosts (--min-hosts 1)');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunOutcome['report'];
    expect(report.agents.map((a) => a.status).sort()).toEqual(['done', 'failed']);
    expect(report.agents.find((a) => a.status === 'failed')!.error).toMatch(/no Chromium/);
  });

  it('a host without the SFTP subsystem gets its files over the exec channel, hash-checked, and runs a test', async () => {
    lab.trust();
    app.reset();
    const inventory = lab.inventory([{ host: noSftp }]);
    const checked = await runCli(['hosts', 'check', inventory]);
    expect(checked.code).toBe(0);
    expect(checked.stdout.split('\n').find((r) => r.startsWith(`${noSftp.sshd.address}:`))).toMatch(/\sexec\s+\d+ms\s+ok$/);
    const args = (name: string) => [
      'run', fixture('shop.scenario.ts'), '--hosts', inventory,
      '--vus', '2', '--duration', '2s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', join(dir, name), '--db', join(dir, 'no-sftp.db'),
    ];
    const first = await runCli(args('no-sftp-1'));
    expect(first.stderr).not.toMatch(/SFTP|internal error/);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/\(2 files sent, 0 already there\)/);
    const report = JSON.parse(readFileSync(join(dir, 'no-sftp-1', 'report.json'), 'utf8')) as RunOutcome['report'];
    const cart = app.stats()['POST /api/cart']!;
    expect(report.steps.find((s) => s.name === 'add to cart')!.count).toBe(cart.hits);
    const again = await runCli(args('no-sftp-2'));
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/\(0 files sent, 2 already there\)/);
    expect(runProcesses(noSftp)).toBe('');
    expect(runFolders(noSftp)).toEqual([]);
  });

  it('a secret the scenario puts into URLs, console output and errors reaches no file, store row or line of a run over SSH', async () => {
    lab.trust();
    const io = memoryIo();
    const out = join(dir, 'secrets');
    const outcome = await runLoadTest(
      {
        scenario: fixture('secrets.scenario.ts'),
        flags: { vus: 1, duration: '2s' },
        env: { TARGET: app.url },
        secrets: { API_KEY: SECRET },
        window: '1s',
        out,
        db: join(dir, 'secrets.db'),
        hosts: lab.inventory([{ host: good[0]! }]),
      },
      io,
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report.errors[0]!.sample).toContain('the API refused key *** (***)');
    for (const place of [...filesUnder(out), join(dir, 'secrets.db')]) {
      const text = readFileSync(place).toString('latin1');
      for (const form of secretForms()) expect(text.includes(form), `${form} in ${place}`).toBe(false);
    }
    for (const form of secretForms()) expect(io.stdout() + io.stderr()).not.toContain(form);
  }, 120_000);

  it('requests on a site shaped like real apps reconcile over 2 hosts: by route and method, what both origins served', async () => {
    lab.trust();
    const site = await startWildSite();
    try {
      const outcome = await runLoadTest(
        {
          scenario: fixture('wild.scenario.ts'),
          flags: { duration: '4s' },
          env: { TARGET: site.url },
          window: '1s',
          out: join(dir, 'wild'),
          db: join(dir, 'wild.db'),
          hosts: lab.inventory([{ host: good[0]! }, { host: good[1]! }]),
        },
        memoryIo(),
      );
      expect(outcome.exitCode).toBe(0);
      expect(outcome.report.agents.map((a) => a.status)).toEqual(['done', 'done']);
      const requests = outcome.report.requests!;
      expect(reportedServed(requests)).toEqual(servedByLabel(await site.hits()));
      const orders = requests.find((r) => r.label === `${site.apiUrl}/api/order`)!;
      expect(orders.methods!.POST).toBe(outcome.report.steps.find((s) => s.name === 'order')!.count);
      expect(outcome.report.pageViews!.views).toBe(outcome.report.steps.find((s) => s.name === 'home')!.count);
    } finally {
      await site.close();
    }
  }, 120_000);
});
