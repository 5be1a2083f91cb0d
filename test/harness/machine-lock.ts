// The e2e lane's two slots on this 2-core machine. Most end-to-end files
// assert counts, exit codes and texts, and spend their time waiting on
// browsers, servers and timers: two of them can share the machine. A file
// whose assertions need the machine to itself (a latency bound, an arrival
// rate with no drops, paint timing) claims it `alone`; a file that measures
// the host's CPU headroom claims it `exclusive`. The fast lane's files claim
// `background`: they run at the lowest CPU priority (lane-file.ts), so beside
// an alone file they take only the CPU it leaves idle (about half of it: most
// alone files wait on timers), and nothing beside an exclusive one. The lock
// is a small server on a Unix socket, started by the lane's global setup; a
// claim is held for as long as its connection is open, so a worker that dies
// releases what it held. Claims are granted first come, first served.
import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { basename } from 'node:path';

export type MachineClaim = 'exclusive' | 'alone' | 'shared' | 'background';

const CLAIMS: readonly MachineClaim[] = ['exclusive', 'alone', 'shared', 'background'];

/**
 * Files that nothing may run beside, not even at the lowest priority: one
 * that measures how much CPU the host has left, those that hold TTFB to a
 * few ms (a background file beside them put 6.6 ms on a median: the two
 * vCPUs here share a core, and a low priority does not share it back), and
 * the arrival rate over SSH hosts.
 */
const EXCLUSIVE_FILES = new Set([
  'calibrate.test.ts',
  'request-truth.test.ts',
  'request-capture.chromium.test.ts',
  'browser-metrics.test.ts',
  // an arrival rate with none dropped, over three SSH hosts: a background file beside it dropped one
  'ssh-arrival.test.ts',
]);

/** Files that may run beside one other shared file; every other e2e file runs alone. */
const SHARED_FILES = new Set([
  // counts, exit codes, texts and generous time bounds only
  'arrival-drops.test.ts',
  'bad-input.test.ts',
  'bare-host.test.ts',
  'bench.test.ts', // measures and computes; asserts no speed
  'browser-evidence.test.ts',
  'browser-options.test.ts',
  'browser-start.test.ts',
  'check.test.ts',
  'controller-crash.test.ts',
  'dashboard-tmux.test.ts',
  'ec2.test.ts',
  'faults.test.ts',
  'hostile-target.test.ts',
  'html.chromium.test.ts',
  'interrupt.test.ts',
  'jump.test.ts',
  'lean-actions.chromium.test.ts',
  'local-run.test.ts', // a 300 ms step's p50 under 600 ms: room for a neighbour
  'old-store.test.ts',
  'page-metrics.chromium.test.ts', // an 80 ms route's TTFB between 79 and 150 ms
  'prepare.test.ts',
  'recording.test.ts',
  'reports.test.ts',
  'resend.test.ts',
  'ssh-hosts.test.ts',
  'url-lists.test.ts',
  'urls-from-log.test.ts',
  'urls-spider.test.ts',
  'vitals-page.chromium.test.ts', // ours equal to web-vitals' on the same entries; busy-work clicks only get longer
]);

const SHARED_AT_ONCE = 2;

/** An e2e file's claim (the fast lane's files claim `background`). */
export function claimOf(file: string): MachineClaim {
  const name = basename(file);
  return EXCLUSIVE_FILES.has(name) ? 'exclusive' : SHARED_FILES.has(name) ? 'shared' : 'alone';
}

interface Waiting {
  claim: MachineClaim;
  socket: Socket;
}

/** Serves claims on `path` until closed. */
export function serveMachineLock(path: string): Promise<Server> {
  rmSync(path, { force: true });
  const queue: Waiting[] = [];
  const held: Record<MachineClaim, number> = { exclusive: 0, alone: 0, shared: 0, background: 0 };
  const grantable = ({ claim }: Waiting): boolean => {
    if (held.exclusive > 0) return false;
    switch (claim) {
      case 'exclusive':
        return held.alone + held.shared + held.background === 0;
      case 'alone':
        return held.alone + held.shared === 0;
      case 'shared':
        return held.alone === 0 && held.shared < SHARED_AT_ONCE;
      case 'background':
        return true;
    }
  };
  const pump = () => {
    while (queue.length > 0 && grantable(queue[0]!)) {
      const { claim, socket } = queue.shift()!;
      held[claim] += 1;
      socket.once('close', () => {
        held[claim] -= 1;
        pump();
      });
      socket.write('granted\n');
    }
  };
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (data) => {
      const claim = data.toString().trim() as MachineClaim;
      if (!CLAIMS.includes(claim)) return socket.destroy();
      const waiting: Waiting = { claim, socket };
      queue.push(waiting);
      // Gone before its turn: it leaves the queue.
      socket.once('close', () => {
        const at = queue.indexOf(waiting);
        if (at >= 0) queue.splice(at, 1);
        pump();
      });
      pump();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

/** Waits for the claim; resolves to its release. */
export function claimMachine(path: string, claim: MachineClaim): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${claim}\n`));
    socket.once('data', () => resolve(() => socket.end()));
    socket.once('close', () => reject(new Error('the machine lock closed before granting the claim')));
  });
}
