// Time from `squall run` to all agents ready, over real sshd hosts on
// loopback: 1, 5 and 10 hosts (or the counts given), cold (empty host cache)
// and warm (bundles already uploaded).
// Run: npx tsx scripts/bench/time-to-ready.ts [1,5,10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadTest } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';
import { startDemoApp } from '../../controller/demo/server.js';
import { startSshLab } from '../../test/harness/ssh-lab.js';
import { fixture } from '../../test/harness/cli.js';

const counts = (process.argv[2] ?? '1,5,10').split(',').map(Number);
const lab = await startSshLab(Array.from({ length: Math.max(...counts) }, (_, i) => ({ address: `127.0.0.${i + 2}` })));
const app = await startDemoApp();
const dir = mkdtempSync(join(tmpdir(), 'squall-ready-'));
const rows: string[] = [];
try {
  for (const count of counts) {
    const hosts = lab.hosts.slice(0, count);
    for (const host of hosts) rmSync(host.workDir, { recursive: true, force: true });
    for (const temperature of ['cold', 'warm']) {
      const io = memoryIo();
      await runLoadTest(
        {
          scenario: fixture('shop.scenario.ts'),
          flags: { vus: count, duration: '2s' },
          env: { TARGET: app.url },
          window: '1s',
          db: join(dir, 'runs.db'),
          out: join(dir, `${count}-${temperature}`),
          hosts: lab.inventory(hosts.map((host) => ({ host }))),
        },
        io,
      );
      const ready = /(\d+) agents? ready ([\d.]+)s after the command started/.exec(io.stderr());
      const connect = /connected and checked in ([\d.]+)s/.exec(io.stderr());
      const upload = /bundles uploaded in ([\d.]+)s \((\d+) files sent, (\d+) already there\)/.exec(io.stderr());
      rows.push(`${count} host(s)  ${temperature}  ready after ${ready?.[2]}s  connect ${connect?.[1]}s  upload ${upload?.[1]}s (${upload?.[2]} sent, ${upload?.[3]} skipped)`);
    }
  }
} finally {
  await app.close();
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.join('\n'));
