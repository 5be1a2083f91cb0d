// squall hosts check <hosts.yaml>: can every host run an agent?
import type { Command } from 'commander';
import type { Io } from '../../src/io.js';
import { alignedTable } from '../report/summary.js';
import { checkHosts, type HostCheckRow } from '../sites/check-hosts.js';
import { acceptNewHostKeysFlag } from './flags.js';

function gigabytes(mb: number): string {
  return `${(mb / 1024).toFixed(1)} GB`;
}

export function hostCheckTable(rows: readonly HostCheckRow[]): string {
  const header = ['host', 'reach', 'host key', 'auth', 'os', 'cores', 'memory', 'node', 'chromium', 'disk free', 'transfer', 'verdict'];
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
    row.problems.length === 0 ? 'ok' : `UNUSABLE: ${row.problems.join('; ')}`,
  ]);
  return alignedTable([header, ...cells], () => false).join('\n') + '\n';
}

export function registerHosts(program: Command, io: Io, setExit: (code: number) => void): void {
  const hosts = program.command('hosts').description('load hosts reached over SSH');
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
and how files will reach it: sftp, or exec (over a plain SSH channel, with a
sha256 check on arrival) when the host has no SFTP subsystem.

Exit codes: 0 every host is usable, 1 some host is not, 2 bad input.`,
    )
    .action(async (file: string, flags: { acceptNewHostKeys?: boolean }) => {
      const rows = await checkHosts(file, { acceptNewHostKeys: flags.acceptNewHostKeys ?? false }, io);
      io.out(hostCheckTable(rows));
      const bad = rows.filter((r) => r.problems.length > 0).length;
      io.out(bad === 0 ? `${rows.length === 1 ? 'the host can' : `all ${rows.length} hosts can`} run agents\n` : `${bad} of ${rows.length} hosts cannot run agents\n`);
      setExit(bad === 0 ? 0 : 1);
    });
}
