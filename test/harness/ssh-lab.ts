// A small fleet of real sshd "hosts" on 127.0.0.x for distributed tests, with
// the user key, known_hosts and an inventory file that reach them. Each host
// gets its own work folder, as separate machines would have.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, startSshd, type KeyPair, type TestSshd } from './sshd.js';

export interface LabHost {
  sshd: TestSshd;
  workDir: string;
}

export interface SshLab {
  dir: string;
  userKey: KeyPair;
  hosts: LabHost[];
  knownHostsPath: string;
  /** writes known_hosts with the given hosts' keys (all by default) */
  trust(hosts?: LabHost[]): void;
  /** writes an inventory and returns its path */
  inventory(entries: Array<{ host: LabHost; weight?: number; maxVUs?: number; /** another way in than its sshd's own port (a relay) */ port?: number }>, options?: { identityFile?: boolean }): string;
  stop(): Promise<void>;
}

export interface LabHostSpec {
  address: string;
  /** files hidden on this host (bind-mounted over by /dev/null) */
  hide?: string[];
  /** root's .bashrc there, instead of Debian's default */
  shellStartup?: string;
  /** false: its sshd has no SFTP subsystem */
  sftp?: boolean;
}

/** Every Chromium squall could find here (the full browser too, when the benchmarks installed it). */
export const CHROMIUM_FILES = [
  '/usr/bin/chromium-headless-shell',
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].filter((file) => existsSync(file));

export async function startSshLab(specs: LabHostSpec[]): Promise<SshLab> {
  const dir = mkdtempSync(join(tmpdir(), 'squall-ssh-lab-'));
  const userKey = generateKey(join(dir, 'id_ed25519'));
  const hosts = await Promise.all(
    specs.map(async (spec, i) => ({
      sshd: await startSshd({ dir: join(dir, `host${i}`), address: spec.address, authorizedKeys: [userKey.publicKey], hide: spec.hide ?? [], ...(spec.shellStartup !== undefined ? { shellStartup: spec.shellStartup } : {}), ...(spec.sftp === false ? { sftp: false } : {}) }),
      workDir: join(dir, `host${i}`, 'work'),
    })),
  );
  const knownHostsPath = join(dir, 'known_hosts');
  const lab: SshLab = {
    dir,
    userKey,
    hosts,
    knownHostsPath,
    trust: (list = hosts) => writeFileSync(knownHostsPath, list.map((h) => `${h.sshd.knownHostsLine}\n`).join('')),
    inventory: (entries, options = {}) => {
      const lines = [
        'defaults:',
        '  user: root',
        ...(options.identityFile === false ? [] : [`  identityFile: ${userKey.privateKeyPath}`]),
        `  knownHosts: ${knownHostsPath}`,
        'hosts:',
        ...entries.map(({ host, weight, maxVUs, port }) =>
          [
            `  - host: ${host.sshd.address}`,
            `    port: ${port ?? host.sshd.port}`,
            `    workDir: ${host.workDir}`,
            ...(weight !== undefined ? [`    weight: ${weight}`] : []),
            ...(maxVUs !== undefined ? [`    maxVUs: ${maxVUs}`] : []),
          ].join('\n'),
        ),
      ];
      const path = join(dir, `hosts-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    },
    stop: async () => {
      await Promise.all(hosts.map((h) => h.sshd.stop()));
    },
  };
  lab.trust();
  return lab;
}
