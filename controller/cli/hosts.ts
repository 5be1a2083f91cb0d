// squall hosts check <hosts.yaml>: can every host run an agent?
import type { Command } from 'commander';
import type { Io } from '../../src/io.js';
import type { ChromiumSource, NodeSource } from '../../provisioning/prepare-plan.js';
import { counted, formatBytes, formatMs, formatSeconds } from '../format.js';
import type { PrepareRow } from '../prepare/prepare-hosts.js';
import { alignedTable } from '../report/summary.js';
import type { HostCheckRow } from '../sites/check-hosts.js';
import { acceptNewHostKeysFlag, chromeMirrorFlag, chromiumFromFlag, nodeFromFlag, nodeMirrorFlag } from './flags.js';
import { registerEc2Hosts } from './hosts-ec2.js';

function gigabytes(mb: number): string {
  return `${(mb / 1024).toFixed(1)} GB`;
}

export function hostCheckTable(rows: readonly HostCheckRow[]): string {
  const header = ['host', 'reach', 'host key', 'auth', 'os', 'cores', 'memory', 'node', 'chromium', 'disk free', 'transfer', 'command', 'verdict'];
  const cells = rows.map((row) => [
    row.name,
    row.reachable ? 'ok' : 'no',
    row.hostKey,
    row.reachable && row.hostKey === 'ok' ? (row.auth ? 'ok' : 'no') : '-',
    row.probe?.os ?? '-',
    row.probe ? String(row.probe.cores) : '-',
    row.probe ? gigabytes(row.probe.memoryMb) : '-',
    row.probe?.node ?? (row.probe ? 'missing' : '-'),
    row.probe ? (row.probe.chromiumPath ? `${row.probe.chromiumPath} (${row.probe.chromiumVersion?.replace(/^Chromium /, '') ?? '?'})` : 'missing') : '-',
    row.probe ? gigabytes(row.probe.diskFreeMb) : '-',
    row.transfer ?? '-',
    row.shell ? formatMs(row.shell.ms) : '-',
    row.problems.length === 0 ? 'ok' : `UNUSABLE: ${row.problems.join('; ')}`,
  ]);
  return alignedTable([header, ...cells], () => false).join('\n') + '\n' + slowShellNotes(rows);
}

/**
 * Above this, what a command costs on a host before it runs is a heavy login
 * shell start-up (a loopback `true` with Debian's default .bashrc takes
 * 20-40 ms; with pyenv's init 450 ms).
 */
export const SLOW_COMMAND_MS = 250;

function slowShellNotes(rows: readonly HostCheckRow[]): string {
  const slow = rows.filter((row) => row.shell && row.shell.ms > SLOW_COMMAND_MS);
  if (slow.length === 0) return '';
  const names = slow.map((row) => `${row.name} (${formatMs(row.shell!.ms)})`).join(', ');
  return (
    `slow commands on ${names}: each command there waits that long before it runs, for the login shell's start-up. ` +
    `Over SSH, bash sources ~/.bashrc even for a single command, so what it runs (pyenv, nvm, conda init) runs for every command squall sends. ` +
    `A guard at its top keeps it to interactive shells:  case $- in *i*) ;; *) return;; esac  ` +
    `(if node itself comes from that file, as nvm's does, keep its PATH line above the guard or set node: in the hosts file)\n`
  );
}

export function prepareTable(rows: readonly PrepareRow[]): string {
  const header = ['host', 'node', 'chromium', 'sent', 'took', 'result'];
  const cells = rows.map((row) => [
    row.name,
    row.node,
    row.chromium,
    row.bytesSent > 0 ? formatBytes(row.bytesSent) : '-',
    formatSeconds(row.tookMs),
    row.problems.length > 0 ? `NOT READY: ${row.problems.join('; ')}` : row.changed ? 'ready' : 'ready, nothing to do',
  ]);
  const notes = rows.flatMap((row) => row.notes.map((note) => `${row.name}: ${note}\n`));
  return alignedTable([header, ...cells], (column) => column === 3 || column === 4).join('\n') + '\n' + notes.join('');
}

export function prepareVerdict(rows: readonly PrepareRow[]): string {
  const bad = rows.filter((r) => r.problems.length > 0).length;
  if (bad > 0) return `${bad} of ${counted(rows.length, 'host')} not ready\n`;
  const changed = rows.filter((r) => r.changed).length;
  if (changed === 0) return `nothing to do: ${rows.length === 1 ? 'the host has' : `all ${rows.length} hosts have`} Node.js and Chromium\n`;
  return `${counted(rows.length, 'host')} ready (${changed} prepared)\n`;
}

export function registerHosts(program: Command, io: Io, setExit: (code: number) => void): void {
  const hosts = program.command('hosts').description('load hosts reached over SSH: check, prepare, and EC2 fleets (launch, list, down)');
  hosts
    .command('check')
    .description('connect to every host in the inventory and tell whether it can run an agent')
    .argument('<hosts-file>', 'inventory (YAML or JSON): defaults and a list of hosts')
    .addOption(acceptNewHostKeysFlag())
    .addHelpText(
      'after',
      `
Checks per host: reachable, SSH authentication (key file or ssh-agent), host key
against known_hosts, OS, cores, memory, Node.js (20 or later), Chromium, free disk,
how files will reach it: sftp, or exec (over a plain SSH channel, with a
sha256 check on arrival) when the host has no SFTP subsystem, and what one
command costs there before it runs (command: the best of two \`true\` execs,
from the host accepting each to its end, so mostly the login shell's start-up;
over ${SLOW_COMMAND_MS} ms it says how to keep a heavy ~/.bashrc out of commands).

Exit codes: 0 every host is usable, 1 some host is not, 2 bad input.`,
    )
    .action(async (file: string, flags: { acceptNewHostKeys?: boolean }) => {
      const { checkHosts } = await import('../sites/check-hosts.js');
      const rows = await checkHosts(file, { acceptNewHostKeys: flags.acceptNewHostKeys ?? false }, io);
      io.out(hostCheckTable(rows));
      const bad = rows.filter((r) => r.problems.length > 0).length;
      io.out(bad === 0 ? `${rows.length === 1 ? 'the host can' : `all ${rows.length} hosts can`} run agents\n` : `${bad} of ${rows.length} hosts cannot run agents\n`);
      setExit(bad === 0 ? 0 : 1);
    });
  hosts
    .command('prepare')
    .description('make every host of the inventory a load host: install Node.js and Chromium where they are missing')
    .argument('<hosts-file>', 'inventory (YAML or JSON): defaults and a list of hosts')
    .addOption(acceptNewHostKeysFlag())
    .addOption(nodeFromFlag())
    .addOption(nodeMirrorFlag())
    .addOption(chromiumFromFlag())
    .addOption(chromeMirrorFlag())
    .addHelpText(
      'after',
      `
A host needs only sshd and a POSIX shell. Per host, in parallel:
  Node.js   when the host has no Node.js 20 or later: the official build of this
            machine's version, downloaded on the host (curl or wget) and checked
            against the mirror's SHASUMS256.txt; or, when the host cannot reach
            the mirror, this machine's own node binary, sent once into the host's
            cache (same OS, CPU and a glibc at least as new). It goes to
            <workDir>/runtime/node; the host's own Node.js is left alone.
  Chromium  when none is found: apt-get install chromium-headless-shell on
            Debian, as root or with passwordless sudo; elsewhere (or without
            root) Chrome for Testing's headless shell, the build this squall's
            Puppeteer expects, downloaded on the host into <workDir>/browsers
            (x86-64 only); otherwise the command to run is printed. Shared
            libraries a binary lacks are named.
A host that has both is left as it is: a second prepare only probes it.
squall run --hosts does the same for a host that lacks something, unless
--no-prepare.

Exit codes: 0 every host is ready, 1 some host is not, 2 bad input.`,
    )
    .action(async (file: string, flags: { acceptNewHostKeys?: boolean; nodeFrom: NodeSource; nodeMirror: string; chromiumFrom: ChromiumSource; chromeMirror?: string }) => {
      const { inventoryOf } = await import('../sites/probe-hosts.js');
      const { prepareInventory } = await import('../prepare/prepare-hosts.js');
      const list = await inventoryOf(file, io);
      io.err(`preparing ${counted(list.length, 'host')}\n`);
      const rows = await prepareInventory(list, { acceptNewHostKeys: flags.acceptNewHostKeys ?? false, settings: { nodeSource: flags.nodeFrom, nodeMirror: flags.nodeMirror, chromiumSource: flags.chromiumFrom, ...(flags.chromeMirror ? { chromeMirror: flags.chromeMirror } : {}) } }, io);
      io.out(prepareTable(rows));
      io.out(prepareVerdict(rows));
      setExit(rows.every((r) => r.problems.length === 0) ? 0 : 1);
    });
  registerEc2Hosts(hosts, io, setExit);
}
