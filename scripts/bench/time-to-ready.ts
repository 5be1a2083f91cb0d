// Time from `squall run` to all agents ready, over real sshd hosts on
// loopback: 1, 5 and 10 hosts (or the counts given); bare (no Node.js: the
// run prepares the hosts, sending this machine's node), cold (empty host
// cache) and warm (bundles already uploaded); with --heavy-shell, every host's
// ~/.bashrc spends about 0.4 s of CPU (as root's here does running pyenv's init;
// bash sources it for every command over SSH), and --warm leaves out bare hosts;
// edited is warm but for the scenario (after an edit to it).
// With --rtt <ms>, every host is reached through a relay that adds that round
// trip (latency-proxy.ts): hosts as far away as another region's.
// Run: npx tsx scripts/bench/time-to-ready.ts [1,5,10] [--heavy-shell] [--warm] [--rtt 100]
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadTest } from '../../controller/run/run.js';
import { memoryIo } from '../../src/io.js';
import { startDemoApp } from '../../controller/demo/server.js';
import { startSshLab, type SshLab } from '../../test/harness/ssh-lab.js';
import { fixture } from '../../test/harness/cli.js';
import { argument } from './cli-args.js';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';

const counts = (process.argv.slice(2).find((arg) => /^[\d,]+$/.test(arg)) ?? '1,5,10').split(',').map(Number);
// edited: warm but for the scenario, as after an edit to it (the agent bundle cached, the scenario not).
const temperatures = process.argv.includes('--warm') ? ['cold', 'warm', 'edited'] : ['bare', 'cold', 'warm', 'edited'];
/** About 0.4 s of bash's CPU, as pyenv init and pyenv virtualenv-init took in root's .bashrc on this machine. */
const HEAVY_SHELL = 'i=0; while [ $i -lt 160000 ]; do i=$((i+1)); done\n';
const shell = process.argv.includes('--heavy-shell') ? { shellStartup: HEAVY_SHELL } : {};
const lab = await startSshLab(Array.from({ length: Math.max(...counts) }, (_, i) => ({ address: `127.0.0.${i + 2}`, ...shell })));
const bareLab = await startSshLab(Array.from({ length: Math.max(...counts) }, (_, i) => ({ address: `127.0.0.${i + 40}`, hide: ['/usr/bin/node'], ...shell })));
const roundTripMs = Number(argument('--rtt', '0'));
const relays = roundTripMs > 0 ? [...(await relaysFor(lab)), ...(await relaysFor(bareLab))] : [];
const app = await startDemoApp();
const dir = mkdtempSync(join(tmpdir(), 'squall-ready-'));
const rows: string[] = [];
try {
  for (const count of counts) {
    for (const host of [...lab.hosts, ...bareLab.hosts]) rmSync(host.workDir, { recursive: true, force: true });
    for (const temperature of temperatures) {
      const hosts = (temperature === 'bare' ? bareLab : lab).hosts.slice(0, count);
      if (temperature === 'edited') for (const host of hosts) forgetScenarios(host.workDir);
      const inventory = (temperature === 'bare' ? bareLab : lab).inventory(hosts.map((host) => ({ host, ...relayed(host) })));
      const io = memoryIo();
      // The summary line says tenths of a second; between two builds the difference can be less.
      const startedAt = Date.now();
      let readyMs: number | undefined;
      const watch = setInterval(() => (readyMs ??= / ready [\d.]+s after the command started/.test(io.stderr()) ? Date.now() - startedAt : undefined), 5);
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
      ).finally(() => clearInterval(watch));
      const ready = /(\d+) agents? ready ([\d.]+)s after the command started/.exec(io.stderr());
      const connect = /connected and checked in ([\d.]+)s/.exec(io.stderr());
      const upload = /bundles uploaded in ([\d.]+)s \((\d+) files sent, (\d+) already there\)/.exec(io.stderr());
      const node = /node copied \S+ \(([\d.]+ MB)\)/.exec(io.stderr());
      const far = roundTripMs > 0 ? ` (${roundTripMs} ms away)` : '';
      rows.push(`${count} host(s)  ${temperature}${shell.shellStartup ? ' (heavy shell)' : ''}${far}  ready after ${ready?.[2]}s (${readyMs} ms)  connect ${connect?.[1]}s  upload ${upload?.[1]}s (${upload?.[2]} sent, ${upload?.[3]} skipped)${node ? `  node sent: ${node[1]} per host` : ''}`);
    }
  }
} finally {
  await app.close();
  await lab.stop();
  await bareLab.stop();
  await Promise.all(relays.map(({ proxy }) => proxy.close()));
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.join('\n'));

/** A relay in front of each of the lab's hosts, its known_hosts rewritten to know the host's key there. */
async function relaysFor(hostsOf: SshLab): Promise<Array<{ address: string; proxy: LatencyProxy }>> {
  const relaysOfLab = await Promise.all(
    hostsOf.hosts.map(async (host) => ({ address: host.sshd.address, proxy: await startLatencyProxy(host.sshd.address, host.sshd.port, roundTripMs) })),
  );
  writeFileSync(hostsOf.knownHostsPath, hostsOf.hosts.map((host, i) => `[${host.sshd.address}]:${relaysOfLab[i]!.proxy.port} ${host.sshd.hostPublicKey}\n`).join(''));
  return relaysOfLab;
}

function forgetScenarios(workDir: string): void {
  const cache = join(workDir, 'cache');
  for (const name of readdirSync(cache)) if (name.endsWith('-scenario.mjs')) rmSync(join(cache, name));
}

function relayed(host: SshLab['hosts'][number]): { port?: number } {
  const relay = relays.find(({ address }) => address === host.sshd.address);
  return relay ? { port: relay.proxy.port } : {};
}
