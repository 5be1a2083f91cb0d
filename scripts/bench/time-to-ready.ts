// Time from `squall run` to all agents ready, over real sshd hosts on
// loopback: 1, 5 and 10 hosts (or the counts given); bare (no Node.js: the
// run prepares the hosts, sending this machine's node), cold (empty host
// cache) and warm (bundles already uploaded); with --heavy-shell, every host's
// ~/.bashrc spends about 0.4 s of CPU (as root's here does running pyenv's init;
// bash sources it for every command over SSH), and --warm leaves out bare hosts.
// Run: npx tsx scripts/bench/time-to-ready.ts [1,5,10] [--heavy-shell] [--warm]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadTest } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';
import { startDemoApp } from '../../controller/demo/server.js';
import { startSshLab } from '../../test/harness/ssh-lab.js';
import { fixture } from '../../test/harness/cli.js';

const counts = (process.argv.slice(2).find((arg) => /^[\d,]+$/.test(arg)) ?? '1,5,10').split(',').map(Number);
const temperatures = process.argv.includes('--warm') ? ['cold', 'warm'] : ['bare', 'cold', 'warm'];
/** About 0.4 s of bash's CPU, as pyenv init and pyenv virtualenv-init took in root's .bashrc on this machine. */
const HEAVY_SHELL = 'i=0; while [ $i -lt 160000 ]; do i=$((i+1)); done\n';
const shell = process.argv.includes('--heavy-shell') ? { shellStartup: HEAVY_SHELL } : {};
const lab = await startSshLab(Array.from({ length: Math.max(...counts) }, (_, i) => ({ address: `127.0.0.${i + 2}`, ...shell })));
const bareLab = await startSshLab(Array.from({ length: Math.max(...counts) }, (_, i) => ({ address: `127.0.0.${i + 40}`, hide: ['/usr/bin/node'], ...shell })));
const app = await startDemoApp();
const dir = mkdtempSync(join(tmpdir(), 'squall-ready-'));
const rows: string[] = [];
try {
  for (const count of counts) {
    for (const host of [...lab.hosts, ...bareLab.hosts]) rmSync(host.workDir, { recursive: true, force: true });
    for (const temperature of temperatures) {
      const hosts = (temperature === 'bare' ? bareLab : lab).hosts.slice(0, count);
      const inventory = (temperature === 'bare' ? bareLab : lab).inventory(hosts.map((host) => ({ host })));
      const io = memoryIo();
      await runLoadTest(
        {
          scenario: fixture('shop.scenario.ts'),
          flags: { vus: count, duration: '2s' },
          env: { TARGET: app.url },
          window: '1s',
          db: join(dir, 'runs.db'),
          out: join(dir, `${count}-${temperature}`),
          hosts: inventory,
          nodeFrom: 'push',
        },
        io,
      );
      const ready = /(\d+) agents? ready ([\d.]+)s after the command started/.exec(io.stderr());
      const connect = /connected and checked in ([\d.]+)s/.exec(io.stderr());
      const upload = /bundles uploaded in ([\d.]+)s \((\d+) files sent, (\d+) already there\)/.exec(io.stderr());
      const node = /node copied \S+ \(([\d.]+ MB)\)/.exec(io.stderr());
      rows.push(`${count} host(s)  ${temperature}${shell.shellStartup ? ' (heavy shell)' : ''}  ready after ${ready?.[2]}s  connect ${connect?.[1]}s  upload ${upload?.[1]}s (${upload?.[2]} sent, ${upload?.[3]} skipped)${node ? `  node sent: ${node[1]} per host` : ''}`);
    }
  }
} finally {
  await app.close();
  await lab.stop();
  await bareLab.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.join('\n'));
