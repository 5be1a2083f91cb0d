// Hosts behind a bastion, over real OpenSSH: the target's sshd listens on the
// loopback of a network namespace made for this test, which this machine
// cannot reach; the jump host's sshd runs in that namespace too, on the
// namespace's end of a veth pair, which this machine can. So a connection
// that reaches the target went through the jump (checked first: the target
// refuses a direct connection).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import type { Report } from '../../src/protocol/report.js';
import { fixture, runCli } from '../harness/cli.js';
import { createPrivateNet, type PrivateNet } from '../harness/netns.js';
import { generateKey, startSshd, type KeyPair, type TestSshd } from '../harness/sshd.js';

const randomPort = () => 20_000 + Math.floor(Math.random() * 30_000);

describe('hosts behind a jump host', () => {
  let net: PrivateNet;
  let jump: TestSshd;
  let target: TestSshd;
  let app: DemoApp;
  let dir: string;
  let key: KeyPair;
  let knownHosts: string;
  let home: string;
  const inventory = (name: string, host: Record<string, unknown>) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify({ defaults: { user: 'root', identityFile: key.privateKeyPath, knownHosts, workDir: join(dir, 'work') }, hosts: [host] }));
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'squall-jump-'));
    key = generateKey(join(dir, 'id_ed25519'));
    net = createPrivateNet();
    jump = await startSshd({ dir: join(dir, 'jump'), address: net.inside, port: randomPort(), netns: net.name, authorizedKeys: [key.publicKey] });
    target = await startSshd({ dir: join(dir, 'target'), address: '127.0.0.1', port: randomPort(), netns: net.name, authorizedKeys: [key.publicKey] });
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${jump.knownHostsLine}\n${target.knownHostsLine}\n`);
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'config'), `Host private-target\n  HostName 127.0.0.1\n  Port ${target.port}\n  ProxyJump root@${net.inside}:${jump.port}\n`);
    // The shop on this machine's end of the veth: the one address of ours the private network reaches.
    app = await startDemoApp({ host: net.outside });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await target?.stop();
    await jump?.stop();
    net?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('cannot reach the target directly', async () => {
    const direct = await runCli(['hosts', 'check', inventory('direct', { host: '127.0.0.1', port: target.port })]);
    expect(direct.code).toBe(1);
    expect(direct.stdout).toMatch(/unreachable: connection refused \(127\.0\.0\.1:\d+\)/);
  });

  it('reaches it through proxyJump in the inventory, and through ProxyJump in ~/.ssh/config', async () => {
    const viaInventory = await runCli(['hosts', 'check', inventory('jump', { host: '127.0.0.1', port: target.port, name: 'private', proxyJump: `root@${net.inside}:${jump.port}` })]);
    expect(viaInventory.code, viaInventory.stdout).toBe(0);
    expect(viaInventory.stdout).toMatch(/^private +ok +ok +ok /m);
    const viaConfig = await runCli(['hosts', 'check', inventory('alias', { host: 'private-target' })], { env: { HOME: home } });
    expect(viaConfig.code, viaConfig.stdout).toBe(0);
  });

  it("checks the jump host's key as well as the target's", async () => {
    writeFileSync(knownHosts, `${target.knownHostsLine}\n`);
    try {
      const refused = await runCli(['hosts', 'check', inventory('jump', { host: '127.0.0.1', port: target.port, name: 'private', proxyJump: `root@${net.inside}:${jump.port}` })]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(new RegExp(`through jump host ${net.inside.replace(/\./g, '\\.')}:${jump.port}: unknown host key ssh-ed25519 SHA256:`));
    } finally {
      writeFileSync(knownHosts, `${jump.knownHostsLine}\n${target.knownHostsLine}\n`);
    }
  });

  it('runs a load test on the target through the jump, counts reconciled', async () => {
    const out = join(dir, 'run');
    const result = await runCli([
      'run', fixture('shop.scenario.ts'), '--hosts', inventory('jump', { host: '127.0.0.1', port: target.port, name: 'private', proxyJump: `root@${net.inside}:${jump.port}` }),
      '--vus', '2', '--duration', '4s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'runs.db'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const cart = report.steps.find((s) => s.name === 'add to cart')!;
    expect(cart.count).toBeGreaterThan(0);
    expect(cart.count).toBe(app.stats()['POST /api/cart']!.hits);
    expect(report.agents.map((a) => [a.host, a.status])).toEqual([['private', 'done']]);
  }, 90_000);
});
