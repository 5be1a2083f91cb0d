// A bare Debian host for the tests: a root made by `debootstrap --variant=minbase
// bookworm` with only openssh-server added (no Node.js, no Chromium, no curl),
// and its own sshd on a 127.0.0.x address, chrooted there in a private mount
// namespace (its /dev, /proc and /sys mounts go away with it). The pristine
// root is built once per machine by bare-root.sh (cached by its inputs) and
// copied for each use.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, generateKey, sshdConfig, waitForBanner, type TestSshd } from './sshd.js';

const BARE_ROOT_SCRIPT = fileURLToPath(new URL('bare-root.sh', import.meta.url));

/**
 * A fresh copy of the bare root at `root`, so what a test installs never
 * reaches the next; the pristine one is built on first use (about 30 s with
 * a near mirror) unless `npm run setup:test` built it already.
 */
export function bareRoot(root: string): string {
  const pristine = execFileSync('sh', [BARE_ROOT_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 }).trim();
  rmSync(root, { recursive: true, force: true });
  execFileSync('cp', ['-a', pristine, root]);
  return root;
}

export interface BareHost {
  sshd: TestSshd;
  /** the root's folder on this machine */
  root: string;
  /** the work folder as the host sees it */
  workDir: string;
  /** a path on the host, as seen from this machine */
  outside(path: string): string;
}

export async function startBareHost(options: { root: string; address: string; authorizedKeys: string[] }): Promise<BareHost> {
  const { root, address } = options;
  const inside = '/etc/ssh/squall-test';
  const dir = join(root, inside);
  mkdirSync(dir, { recursive: true });
  // Its DNS as this machine's, so apt-get on the host reaches the mirror.
  copyFileSync('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
  const hostKey = generateKey(join(dir, `host_key_${Date.now()}`));
  writeFileSync(join(dir, 'authorized_keys'), options.authorizedKeys.join('\n') + '\n');
  const port = await freePort(address);
  const config = { port, address, hostKey: `${inside}/${basename(hostKey.privateKeyPath)}`, pidFile: `${inside}/sshd.pid`, authorizedKeys: `${inside}/authorized_keys`, sftp: true };
  writeFileSync(join(dir, 'sshd_config'), sshdConfig(config));
  const mounts = ['dev', 'proc', 'sys'].map((m) => join(root, m));
  const script = [
    `mount --rbind /dev ${mounts[0]}`,
    `mount -t proc proc ${mounts[1]}`,
    `mount --rbind /sys ${mounts[2]}`,
    `mkdir -p ${join(root, 'run/sshd')}`,
    `exec chroot ${root} /usr/sbin/sshd -D -e -f ${inside}/sshd_config`,
  ].join(' && ');
  const child = spawn('unshare', ['--mount', '--fork', '--kill-child', '--', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForBanner(address, port, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  const [type, key] = hostKey.publicKey.split(' ');
  const sshd: TestSshd = {
    address,
    port,
    hostPublicKey: `${type} ${key}`,
    hostKeyPath: hostKey.privateKeyPath,
    knownHostsLine: `[${address}]:${port} ${type} ${key}`,
    process: child,
    dropConnections: () => {
      throw new Error('not for a bare host');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        // unshare passes nothing on; with --kill-child its death takes sshd along.
        child.kill('SIGKILL');
      }),
  };
  return { sshd, root, workDir: '/root/.squall', outside: (path) => join(root, path) };
}
