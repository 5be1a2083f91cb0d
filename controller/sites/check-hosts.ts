// squall hosts check: can every host of an inventory run an agent? Each
// host's verdict, stage by stage, from the same probe loop `run --hosts` uses.
import type { Io } from '../../src/io.js';
import type { HostProbe } from '../../provisioning/probe.js';
import { counted } from '../format.js';
import type { TransferKind } from '../ssh/transfer.js';
import { inventoryOf, probeHosts, type ShellCost } from './probe-hosts.js';

export interface HostCheckRow {
  name: string;
  reachable: boolean;
  /** 'ok', or why the host key was refused */
  hostKey: 'ok' | 'unknown' | 'CHANGED' | 'revoked' | '-';
  auth: boolean;
  probe?: HostProbe;
  transfer?: TransferKind;
  /** what one command costs there before it runs */
  shell?: ShellCost;
  problems: string[];
}

export async function checkHosts(file: string, options: { acceptNewHostKeys: boolean }, io: Io): Promise<HostCheckRow[]> {
  const hosts = await inventoryOf(file, io);
  io.err(`checking ${counted(hosts.length, 'host')}\n`);
  const results = await probeHosts(hosts, { acceptNewHostKeys: options.acceptNewHostKeys, env: io.env, inspect: true }, () => false);
  return results.map((result): HostCheckRow => {
    if ('probe' in result) {
      return { name: result.host.name, reachable: true, hostKey: 'ok', auth: true, probe: result.probe, ...(result.transfer ? { transfer: result.transfer } : {}), ...(result.shell ? { shell: result.shell } : {}), problems: result.problems };
    }
    const { stage, reason } = result.error;
    const reachable = stage !== 'connect';
    const hostKey = !reachable ? '-' : stage !== 'host key' ? 'ok' : reason.startsWith('HOST KEY CHANGED') ? 'CHANGED' : reason.includes('@revoked') ? 'revoked' : 'unknown';
    const auth = reachable && stage !== 'auth' && stage !== 'host key';
    return { name: result.host.name, reachable, hostKey, auth, problems: [reason] };
  });
}
