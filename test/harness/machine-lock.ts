// The e2e lane's two slots on this 2-core machine. Most end-to-end files
// assert counts, exit codes and texts, and spend their time waiting on
// browsers, servers and timers: two of them can share the machine. A file
// whose assertions need the machine to itself (a latency bound, an arrival
// rate with no drops, CPU headroom, paint timing) claims it `alone`. The lock
// is a small server on a Unix socket, started by the lane's global setup;
// a claim is held for as long as its connection is open, so a worker that
// dies releases what it held. Claims are granted first come, first served.
import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { basename } from 'node:path';

export type MachineClaim = 'alone' | 'shared';

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
  'data-feeders.test.ts', // counts of sign-ins and rows only
  'dashboard-tmux.test.ts',
  'ec2.test.ts',
  'faults.test.ts',
  'full-disk.test.ts', // waits on the CLI's own lines, not on time
  'hostile-target.test.ts',
  'html.chromium.test.ts',
  'interrupt.test.ts',
  'jump.test.ts',
  'lean-actions.chromium.test.ts',
  'live-outputs.test.ts', // counts and equalities with report.json only
  'local-run.test.ts', // a 300 ms step's p50 under 600 ms: room for a neighbour
  'old-store.test.ts',
  'page-metrics.chromium.test.ts', // an 80 ms route's TTFB between 79 and 150 ms
  'prepare.test.ts',
  'recording.test.ts',
  'reports.test.ts',
  'resend.test.ts',
  'secrets.test.ts', // what is written and printed, not how fast
  'ssh-hosts.test.ts',
  'url-lists.test.ts',
  'urls-from-log.test.ts',
  'urls-spider.test.ts',
  'vitals-page.chromium.test.ts', // ours equal to web-vitals' on the same entries; busy-work clicks only get longer
]);

const SHARED_AT_ONCE = 2;

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
