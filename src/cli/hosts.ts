// squall hosts check <hosts.yaml>: can every host run an agent? Connects to
// all of them in parallel, verifies host keys, and reports what each has.
import type { Command } from 'commander';
import { connectAndProbe, mapBounded } from '../../controller/agents/remote.js';
import { CONNECT_CONCURRENCY } from '../../controller/agents/prepare-remote.js';
import type { HostError } from '../../controller/ssh/connection.js';
import { alignedTable } from '../../controller/report/summary.js';
import { loadInventory } from '../../provisioning/inventory.js';
import { probeProblems, type HostProbe } from '../../provisioning/probe.js';
import type { Io } from './io.js';

interface HostsCheckFlags {
  acceptNewHostKeys?: boolean;
}

export interface HostCheckRow {
  name: string;
  reachable: boolean;
  /** 'ok', or why the host key was refused */
  hostKey: 'ok' | 'unknown' | 'CHANGED' | 'revoked' | '-';
  auth: boolean;
  probe?: HostProbe;
  problems: string[];
}

function gigabytes(mb: number): string {
  return `${(mb / 1024).toFixed(1)} GB`;
}

export function hostCheckTable(rows: readonly HostCheckRow[]): string {
  const header = ['host', 'reach', 'host key', 'auth', 'os', 'cores', 'memory', 'node', 'chromium', 'disk free', 'verdict'];
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
    row.problems.length === 0 ? 'ok' : `UNUSABLE: ${row.problems.join('; ')}`,
  ]);
  return alignedTable([header, ...cells], () => false).join('\n') + '\n';
}

export async function checkHosts(file: string, flags: HostsCheckFlags, io: Io): Promise<HostCheckRow[]> {
  const hosts = loadInventory(file, { cwd: io.cwd, ...(io.env.HOME ? { home: io.env.HOME } : {}) });
  io.err(`checking ${hosts.length} host${hosts.length === 1 ? '' : 's'}\n`);
  return mapBounded(hosts, CONNECT_CONCURRENCY, async (host): Promise<HostCheckRow> => {
    try {
      const connected = await connectAndProbe(host, { acceptNewHostKeys: flags.acceptNewHostKeys ?? false, env: io.env });
      connected.connection.close();
      return { name: host.name, reachable: true, hostKey: 'ok', auth: true, probe: connected.probe, problems: probeProblems(connected.probe, host.browserPath) };
    } catch (error) {
      const hostError = error as HostError;
      const reason = hostError.reason;
      const reachable = hostError.stage !== 'connect';
      const hostKey = !reachable ? '-' : hostError.stage !== 'host key' ? 'ok' : reason.startsWith('HOST KEY CHANGED') ? 'CHANGED' : reason.includes('@revoked') ? 'revoked' : 'unknown';
      const auth = reachable && hostError.stage !== 'auth' && hostError.stage !== 'host key';
      return { name: host.name, reachable, hostKey, auth, problems: [reason] };
    }
  });
}

export function registerHosts(program: Command, io: Io, setExit: (code: number) => void): void {
  const hosts = program.command('hosts').description('load hosts reached over SSH');
  hosts
    .command('check')
    .description('connect to every host in the inventory and tell whether it can run an agent')
    .argument('<hosts-file>', 'inventory (YAML or JSON): defaults and a list of hosts')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts (a changed key is never accepted)')
    .addHelpText(
      'after',
      `
Checks per host: reachable, SSH authentication (key file or ssh-agent), host key
against known_hosts, OS, cores, memory, Node.js (20 or later), Chromium, free disk.

Exit codes: 0 every host is usable, 1 some host is not, 2 bad input.`,
    )
    .action(async (file: string, flags: HostsCheckFlags) => {
      const rows = await checkHosts(file, flags, io);
      io.out(hostCheckTable(rows));
      const bad = rows.filter((r) => r.problems.length > 0).length;
      io.out(bad === 0 ? `${rows.length === 1 ? 'the host can' : `all ${rows.length} hosts can`} run agents\n` : `${bad} of ${rows.length} hosts cannot run agents\n`);
      setExit(bad === 0 ? 0 : 1);
    });
}
