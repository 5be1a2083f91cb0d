// From a bare Debian host (debootstrap minbase + openssh-server: no Node.js,
// no Chromium, no curl) to a load test on it: squall hosts prepare sends the
// controller's node into the host's cache and installs Chromium's headless
// shell with the host's apt-get, then squall run --hosts runs on it and the
// counts reconcile with the demo shop's own.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import type { Report } from '../../src/protocol/report.js';
import { bareRoot, startBareHost, type BareHost } from '../harness/bare-host.js';
import { fixture, runCli } from '../harness/cli.js';
import { startSshLab, type SshLab } from '../harness/ssh-lab.js';

describe('a bare Debian host', () => {
  let lab: SshLab;
  let bare: BareHost;
  let app: DemoApp;
  let dir: string;
  let inventory: string;
  const rowOf = (stdout: string) => stdout.split('\n').find((line) => line.startsWith(`${bare.sshd.address}:`)) ?? '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'squall-bare-'));
    const root = bareRoot(join(dir, 'root'));
    lab = await startSshLab([]);
    bare = await startBareHost({ root, address: '127.0.0.10', authorizedKeys: [lab.userKey.publicKey] });
    lab.trust([bare]);
    inventory = lab.inventory([{ host: bare }]);
    app = await startDemoApp();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await bare?.sshd.stop();
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('cannot run an agent as it is, and hosts check says what it lacks', async () => {
    const check = await runCli(['hosts', 'check', inventory]);
    expect(check.code).toBe(1);
    expect(rowOf(check.stdout)).toMatch(/Debian GNU\/Linux 12.*missing.*missing.*UNUSABLE: no Node\.js .*; no Chromium/);
  });

  it('hosts prepare gives it Node.js and Chromium; a second prepare does nothing, in under 2 s', async () => {
    const first = await runCli(['hosts', 'prepare', inventory], { timeoutMs: 400_000 });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const row = rowOf(first.stdout);
    // No curl or wget there: the controller's node goes over SSH, once.
    expect(row).toMatch(new RegExp(`copied ${process.version} \\(\\d+\\.\\d MB\\) +installed chromium-headless-shell \\(apt-get, \\d+ s\\) +\\d+\\.\\d MB +[\\d.]+s +ready$`));
    expect(existsSync(bare.outside('/usr/bin/chromium-headless-shell'))).toBe(true);
    console.log(`bare host prepared:\n${first.stdout}`);

    const again = await runCli(['hosts', 'prepare', inventory]);
    expect(again.code).toBe(0);
    const second = rowOf(again.stdout);
    expect(second).toMatch(/had v[\d.]+ \(squall's\) +had \/usr\/bin\/chromium-headless-shell +- +[\d.]+s +ready, nothing to do$/);
    expect(Number(/ ([\d.]+)s /.exec(second)![1])).toBeLessThan(2);
  }, 420_000);

  it('runs a load test, counts reconciled with the shop', async () => {
    app.reset();
    const out = join(dir, 'run');
    const result = await runCli(['run', fixture('shop.scenario.ts'), '--hosts', inventory, '--vus', '2', '--duration', '5s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'runs.db')]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const cart = report.steps.find((s) => s.name === 'add to cart')!;
    expect(cart.count).toBeGreaterThan(0);
    expect(cart.count).toBe(app.stats()['POST /api/cart']!.hits);
    expect(report.agents[0]!.status).toBe('done');
  }, 120_000);
});
