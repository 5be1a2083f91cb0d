// Real OpenSSH servers for the tests: each on its own 127.0.0.x address and
// high port, with its own host key, config and authorized key. Optionally in
// a mount namespace that hides files (a host "without Chromium").
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  privateKeyPath: string;
  publicKey: string;
}

export function generateKey(path: string, type: 'ed25519' | 'rsa' = 'ed25519'): KeyPair {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'squall-test', '-f', path]);
  return { privateKeyPath: path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

export interface TestSshd {
  address: string;
  port: number;
  /** the host's public key line, "ssh-ed25519 AAAA..." */
  hostPublicKey: string;
  hostKeyPath: string;
  /** a known_hosts line for this server */
  knownHostsLine: string;
  process: ChildProcess;
  /** Kills every connection's sshd process, as a dropped network would end them; the server goes on listening. */
  dropConnections(): void;
  stop(): Promise<void>;
}

export async function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForBanner(address: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, address);
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd on ${address}:${port} did not come up`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until something listens on `port` inside the namespace (this machine cannot connect there to look). */
async function waitForListener(netns: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!execFileSync('ip', ['netns', 'exec', netns, 'ss', '-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim()) {
    if (Date.now() > deadline) throw new Error(`sshd on port ${port} in ${netns} did not come up`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An sshd_config for a test server: keys only, root allowed, forwarding on, quiet. Paths as the server sees them. */
export function sshdConfig(config: { port: number; address: string; hostKey: string; pidFile: string; authorizedKeys: string; sftp: boolean }): string {
  return [
    `Port ${config.port}`,
    `ListenAddress ${config.address}`,
    `HostKey ${config.hostKey}`,
    `PidFile ${config.pidFile}`,
    `AuthorizedKeysFile ${config.authorizedKeys}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    'ClientAliveInterval 0',
    'MaxSessions 50',
    'MaxStartups 50',
    ...(config.sftp ? ['Subsystem sftp internal-sftp'] : []),
    'LogLevel ERROR',
    '',
  ].join('\n');
}

/**
 * A test host is a fresh Debian host: its root's shell starts as Debian's
 * default `.bashrc` (base-files' dot.bashrc), not as this machine's, which
 * runs pyenv (0.6 s of CPU for every command squall sends). Bind-mounted over
 * root's own in the server's mount namespace.
 */
function shellStartup(dir: string, lines?: string): Array<[from: string, over: string]> {
  const own = join(homedir(), '.bashrc');
  let startup = '/usr/share/base-files/dot.bashrc';
  if (lines !== undefined) writeFileSync((startup = join(dir, 'bashrc')), lines);
  const possible = process.getuid?.() === 0 && existsSync(startup) && existsSync(own);
  // A start-up a test asked for must be there: a test of a slow or chatty shell would pass without it.
  if (lines !== undefined && !possible) throw new Error(`a test host's own shell start-up needs root and an ${own} to mount it over`);
  return possible ? [[startup, own]] : [];
}

export interface SshdOptions {
  dir: string;
  address: string;
  authorizedKeys: string[];
  /** files bind-mounted over by /dev/null inside the server's mount namespace */
  hide?: string[];
  /** root's .bashrc on this host instead of Debian's default: a host whose shell start-up prints */
  shellStartup?: string;
  hostKey?: KeyPair;
  /** false: no SFTP subsystem, as on some hardened images */
  sftp?: boolean;
  /** runs inside this network namespace (`ip netns exec`), as a host of a private network */
  netns?: string;
  /** the port to listen on (default: a free one; inside a fresh namespace any is) */
  port?: number;
}

export async function startSshd(options: SshdOptions): Promise<TestSshd> {
  mkdirSync(options.dir, { recursive: true });
  // sshd's privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true });
  const hostKey = options.hostKey ?? generateKey(join(options.dir, 'ssh_host_ed25519_key'));
  const authorizedKeysPath = join(options.dir, 'authorized_keys');
  writeFileSync(authorizedKeysPath, options.authorizedKeys.join('\n') + '\n');
  const port = options.port ?? (await freePort(options.address));
  const configPath = join(options.dir, 'sshd_config');
  writeFileSync(configPath, sshdConfig({ port, address: options.address, hostKey: hostKey.privateKeyPath, pidFile: join(options.dir, 'sshd.pid'), authorizedKeys: authorizedKeysPath, sftp: options.sftp !== false }));
  const sshd = ['/usr/sbin/sshd', '-D', '-e', '-f', configPath];
  // Its own mount namespace: hidden files and the stock shell start-up are this server's alone.
  const mounts: Array<[string, string]> = [...(options.hide ?? []).map((file): [string, string] => ['/dev/null', file]), ...shellStartup(options.dir, options.shellStartup)];
  const inMountNamespace = ['unshare', '--mount', '--', 'sh', '-c', [...mounts.map(([from, over]) => `mount --bind ${from} ${over}`), `exec ${sshd.join(' ')}`].join(' && ')];
  const command = [...(options.netns ? ['ip', 'netns', 'exec', options.netns] : []), ...inMountNamespace];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await (options.netns ? waitForListener(options.netns, port, 10_000) : waitForBanner(options.address, port, 10_000));
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  const [type, key] = hostKey.publicKey.split(' ');
  return {
    address: options.address,
    port,
    hostPublicKey: `${type} ${key}`,
    hostKeyPath: hostKey.privateKeyPath,
    knownHostsLine: `[${options.address}]:${port} ${type} ${key}`,
    process: child,
    dropConnections: () => {
      try {
        execFileSync('pkill', ['-KILL', '-P', String(child.pid)]);
      } catch {
        // pkill exits 1 when there was no connection to kill
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
