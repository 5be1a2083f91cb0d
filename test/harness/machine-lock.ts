// The e2e lane's slots on this 2-core machine. Most end-to-end files
// assert counts, exit codes and texts, and spend their time waiting on
// browsers, servers and timers: three of them can share the machine. A file
// whose assertions need the machine to itself (a latency bound, an arrival
// rate with no drops, CPU headroom, paint timing) claims it `alone`. The lock
// is a small server on a Unix socket, started by the lane's global setup;
// a claim is held for as long as its connection is open, so a worker that
// dies releases what it held. Claims are granted first come, first served.
import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { basename } from 'node:path';

export type MachineClaim = 'alone' | 'shared';

/**
 * Files that may run beside one other shared file, with the seconds each
 * takes on this 2-core machine beside others (a suite run's timeline,
 * SQUALL_TEST_TIMELINE): the lane starts the longest first, so the last to
 * finish are short ones (a fresh clone has no vitest cache to order by).
 * Every other e2e file runs alone.
 */
const SHARED_FILES = new Map<string, number>([
  // counts, exit codes, texts and generous time bounds only
  ['arrival-drops.test.ts', 14],
  ['bad-input.test.ts', 2],
  ['bare-host.test.ts', 64],
  ['bench.test.ts', 47], // measures and computes; asserts no speed
  ['browser-evidence.test.ts', 15],
  ['browser-options.test.ts', 7],
  ['browser-start.test.ts', 14],
  ['check.test.ts', 7],
  ['controller-crash.test.ts', 12],
  ['data-feeders.test.ts', 17], // counts of sign-ins and rows only
  ['dashboard-tmux.test.ts', 7],
  ['ec2.test.ts', 57],
  ['faults.test.ts', 92],
  ['full-disk.test.ts', 19], // waits on the CLI's own lines, not on time
  ['hostile-target.test.ts', 18],
  ['html.chromium.test.ts', 3],
  ['interrupt.test.ts', 9],
  ['jump.test.ts', 14],
  ['lean-actions.chromium.test.ts', 22],
  ['live-outputs.test.ts', 11], // counts and equalities with report.json only
  ['local-run.test.ts', 26], // a 300 ms step's p50 under 600 ms: room for a neighbour
  ['old-store.test.ts', 1],
  ['page-metrics.chromium.test.ts', 2], // an 80 ms route's TTFB as the page's own Resource Timing of it
  ['prepare.test.ts', 53],
  ['recording.test.ts', 33],
  ['reports.test.ts', 21],
  ['resend.test.ts', 13],
  ['secrets.test.ts', 14], // what is written and printed, not how fast
  ['ssh-hosts.test.ts', 83],
  ['unreachable-controller.test.ts', 4],
  ['url-lists.test.ts', 42],
  ['urls-from-log.test.ts', 12],
  ['urls-spider.test.ts', 17],
]);

/**
 * Shared files at once. Three, not two: a suite run's shared files use about
 * half of the two cores (they wait on browsers, sshd, graces and timers), and
 * with three at once the shared phase took 340 s instead of 392 s.
 */
export const SHARED_AT_ONCE = 3;

/** Seconds a shared file typically takes; undefined for one that runs alone. */
export function typicalSeconds(file: string): number | undefined {
  return SHARED_FILES.get(basename(file));
}

export function claimOf(file: string): MachineClaim {
  return SHARED_FILES.has(basename(file)) ? 'shared' : 'alone';
}

interface Waiting {
  claim: MachineClaim;
  socket: Socket;
}

/** Serves claims on `path` until closed. */
export function serveMachineLock(path: string): Promise<Server> {
  rmSync(path, { force: true });
  const queue: Waiting[] = [];
  let alone = false;
  let shared = 0;
  const grantable = ({ claim }: Waiting) => (claim === 'alone' ? !alone && shared === 0 : !alone && shared < SHARED_AT_ONCE);
  const pump = () => {
    while (queue.length > 0 && grantable(queue[0]!)) {
      const { claim, socket } = queue.shift()!;
      if (claim === 'alone') alone = true;
      else shared += 1;
      socket.once('close', () => {
        if (claim === 'alone') alone = false;
        else shared -= 1;
        pump();
      });
      socket.write('granted\n');
    }
  };
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (data) => {
      const claim = data.toString().trim();
      if (claim !== 'alone' && claim !== 'shared') return socket.destroy();
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
