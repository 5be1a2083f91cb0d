// A private network for tests: a network namespace created here, joined to
// this machine by a veth pair on a /30 of 10.213.0.0/16 (one end each side).
// What listens on the namespace's own loopback is out of this machine's reach:
// only a process inside the namespace (a jump host's sshd) gets there.
import { execFileSync } from 'node:child_process';

export interface PrivateNet {
  name: string;
  /** this machine's end of the veth pair */
  outside: string;
  /** the namespace's end */
  inside: string;
  /** argv prefix that runs a command inside the namespace */
  exec: string[];
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createPrivateNet(): PrivateNet {
  const id = process.pid % 16_000;
  const name = `squall-${id}`;
  const [a, b] = [`sq${id}a`, `sq${id}b`];
  const subnet = `10.213.${Math.floor(id / 64) % 250}.${(id % 64) * 4}`;
  const base = subnet.split('.').map(Number);
  const host = (n: number) => `${base[0]}.${base[1]}.${base[2]}.${base[3]! + n}`;
  // Left over from a run that was killed: start clean.
  try {
    ip('netns', 'del', name);
  } catch {
    // there was none
  }
  ip('netns', 'add', name);
  try {
    ip('link', 'add', a, 'type', 'veth', 'peer', 'name', b);
    ip('link', 'set', b, 'netns', name);
    ip('addr', 'add', `${host(1)}/30`, 'dev', a);
    ip('link', 'set', a, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${host(2)}/30`, 'dev', b);
    ip('netns', 'exec', name, 'ip', 'link', 'set', b, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    ip('netns', 'del', name);
    throw error;
  }
  return {
    name,
    outside: host(1),
    inside: host(2),
    exec: ['ip', 'netns', 'exec', name],
    // Deleting the namespace takes its veth end, and so the pair, with it.
    remove: () => ip('netns', 'del', name),
  };
}
