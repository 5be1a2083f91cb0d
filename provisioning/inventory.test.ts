import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, parseInventoryText, resolveInventory } from './inventory.js';

const home = '/home/tester';

describe('hosts inventory', () => {
  it('applies defaults, per-host settings and OpenSSH defaults', () => {
    const hosts = resolveInventory(
      parseInventoryText(
        'hosts.yaml',
        `
defaults: { user: ubuntu, port: 22, identityFile: ~/.ssh/id_ed25519, knownHosts: ~/.ssh/known_hosts }
hosts:
  - host: 10.0.1.12
    weight: 2
    maxVUs: 40
  - { host: 127.0.0.3, port: 2222, user: root }
`,
      ),
      'hosts.yaml',
      home,
    );
    expect(hosts).toEqual([
      expect.objectContaining({ name: '10.0.1.12', host: '10.0.1.12', port: 22, user: 'ubuntu', weight: 2, maxVus: 40, identityFiles: ['/home/tester/.ssh/id_ed25519'], knownHosts: '/home/tester/.ssh/known_hosts', workDir: '.squall', node: 'node' }),
      expect.objectContaining({ name: '127.0.0.3:2222', host: '127.0.0.3', port: 2222, user: 'root', weight: 1 }),
    ]);
  });

  it('resolves ~/.ssh/config aliases, with the host entry winning', () => {
    const sshConfig = 'Host web1\n  HostName 10.0.0.5\n  User ec2-user\n  Port 2200\n  IdentityFile ~/.ssh/web.pem\n';
    const [alias, overridden] = resolveInventory({ defaults: { user: 'ubuntu' }, hosts: [{ host: 'web1' }, { host: 'web1', name: 'web1b', user: 'admin' }] }, 'h.yaml', home, sshConfig);
    expect(alias).toMatchObject({ name: 'web1:2200', host: '10.0.0.5', port: 2200, user: 'ec2-user', identityFiles: ['/home/tester/.ssh/web.pem'] });
    expect(overridden).toMatchObject({ name: 'web1b', user: 'admin' });
  });

  it('resolves jump hosts as OpenSSH does: the entry, its alias, then the defaults; each hop its own alias', () => {
    const sshConfig = 'Host bastion\n  HostName 203.0.113.7\n  User jumper\n  IdentityFile ~/.ssh/bastion.pem\nHost private-*\n  ProxyJump bastion\n';
    const hosts = resolveInventory(
      {
        defaults: { user: 'ubuntu', identityFile: '~/.ssh/fleet', proxyJump: 'ops@gw.example.com:2222' },
        hosts: [{ host: '10.0.1.5' }, { host: 'private-1' }, { host: '10.0.1.6', proxyJump: 'bastion,10.0.0.2' }, { host: '10.0.1.7', proxyJump: 'none' }],
      },
      'h.yaml',
      home,
      sshConfig,
    );
    expect(hosts[0]!.jumps).toEqual([{ name: 'gw.example.com:2222', host: 'gw.example.com', port: 2222, user: 'ops', identityFiles: ['/home/tester/.ssh/fleet'], knownHosts: '/home/tester/.ssh/known_hosts' }]);
    expect(hosts[1]!.jumps).toEqual([expect.objectContaining({ name: 'bastion', host: '203.0.113.7', port: 22, user: 'jumper', identityFiles: ['/home/tester/.ssh/bastion.pem'] })]);
    expect(hosts[2]!.jumps!.map((j) => `${j.user}@${j.host}:${j.port}`)).toEqual(['jumper@203.0.113.7:22', 'ubuntu@10.0.0.2:22']);
    expect(hosts[3]!.jumps).toBeUndefined();
  });

  it('names a jump host it cannot read', () => {
    expect(() => resolveInventory({ hosts: [{ host: 'a', proxyJump: 'me@' }] }, 'h.yaml', home)).toThrow('h.yaml: hosts[0].proxyJump: "me@" is not a jump host; expected [user@]host[:port], comma-separated');
    expect(() => resolveInventory({ hosts: [{ host: 'a', proxyJump: 'gw:99999' }] }, 'h.yaml', home)).toThrow(/"gw:99999" is not a jump host/);
  });

  it.each([
    ['an unknown key', { hosts: [{ host: 'a', wieght: 2 }] }, 'h.yaml: hosts[0]: Unrecognized key: "wieght"'],
    ['a bad port', { hosts: [{ host: 'a', port: 70000 }] }, 'h.yaml: hosts[0].port: Too big: expected number to be <=65535'],
    ['no hosts', { hosts: [] }, 'h.yaml: hosts: list at least one host'],
    ['a negative weight', { hosts: [{ host: 'a', weight: -1 }] }, 'h.yaml: hosts[0].weight: Too small: expected number to be >0'],
    ['an unknown default', { defaults: { username: 'x' }, hosts: [{ host: 'a' }] }, 'h.yaml: defaults: Unrecognized key: "username"'],
    ['the same host twice', { hosts: [{ host: 'a' }, { host: 'a' }] }, 'h.yaml: hosts[1]: "a" is listed twice; give one a different name'],
  ])('rejects %s with the file and field', (_what, raw, message) => {
    expect(() => resolveInventory(raw, 'h.yaml', home)).toThrow(message);
  });

  it('names the file and line of a YAML syntax error, and a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-inv-'));
    writeFileSync(join(dir, 'bad.yaml'), 'hosts:\n  - host: a\n   port: 22\n');
    await expect(loadInventory('bad.yaml', { cwd: dir, home })).rejects.toThrow(/^bad\.yaml:3:\d+: not valid YAML/);
    await expect(loadInventory('none.yaml', { cwd: dir, home })).rejects.toThrow('none.yaml: no such hosts file');
  });

  it('reads JSON too, and finds default identities in the home folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-inv-'));
    mkdirSync(join(dir, '.ssh'));
    writeFileSync(join(dir, '.ssh', 'id_rsa'), 'key');
    writeFileSync(join(dir, 'hosts.json'), JSON.stringify({ hosts: [{ host: 'a' }] }));
    const [host] = await loadInventory('hosts.json', { cwd: dir, home: dir, sshConfig: '' });
    expect(host!.identityFiles).toEqual([join(dir, '.ssh', 'id_rsa')]);
  });
});
