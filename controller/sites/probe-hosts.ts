// Connecting to every host of an inventory in parallel and asking what each
// has: the one loop behind `squall hosts check` and `squall run --hosts`.
import type { Io } from '../../src/io.js';
import type { ResolvedHost } from '../../src/protocol/hosts.js';
import { loadInventory } from '../../provisioning/inventory.js';
import { parseProbe, probeProblems, probeScript, shellQuote, type CacheLook, type HostProbe } from '../../provisioning/probe.js';
import { discoverEc2 } from '../ec2/discover.js';
import { HostError, SshConnection } from '../ssh/connection.js';
import { HeldShell } from '../ssh/held-shell.js';
import { transferKindOf, type TransferKind } from '../ssh/transfer.js';
import { mapBoundedPerKey } from './bounded.js';

/**
 * SSH handshakes at once to one sshd (a host, or the first jump host that
 * others are reached through): under OpenSSH's MaxStartups (10 unauthenticated
 * connections before it starts dropping them).
 */
export const CONNECT_CONCURRENCY = 8;
/** Handshakes at once in all: hosts with sshds of their own do not wait on each other's. */
export const CONNECTS_AT_ONCE = 32;

/** The sshd a host's connection is first made to: its own, or its first jump host's. */
function firstSshdOf(host: ResolvedHost): string {
  const first = host.jumps?.[0] ?? host;
  return `${first.host}:${first.port}`;
}

/**
 * `task` per host, at most CONNECT_CONCURRENCY at a time per sshd and
 * `inAll` (CONNECTS_AT_ONCE) in all. A task holds its place until it ends,
 * not only for its handshake.
 */
export function mapConnecting<R>(hosts: readonly ResolvedHost[], task: (host: ResolvedHost) => Promise<R>, inAll = CONNECTS_AT_ONCE): Promise<R[]> {
  return mapBoundedPerKey(hosts, inAll, CONNECT_CONCURRENCY, firstSshdOf, task);
}

export interface ConnectedHost {
  host: ResolvedHost;
  connection: SshConnection;
  probe: HostProbe;
  /**
   * how files reach it: SFTP, or the exec channel when it has no SFTP subsystem;
   * undefined until a file must go (a warm host never asks: opening the SFTP
   * subsystem starts one more of the user's shells there)
   */
  transfer?: TransferKind;
  /** a new connection to it, its host key checked against known_hosts again (a changed key is refused) */
  dial(): Promise<SshConnection>;
  /** the probe's shell, kept for the agent's start (with `holdShell`): one login shell per warm host, not two */
  shell?: HeldShell;
}

/**
 * One host's answer: probed (problems empty when it can run an agent), with
 * its connection still open when the caller chose to keep it; or the error
 * that stopped it.
 */
export type HostProbeResult =
  | { host: ResolvedHost; probe: HostProbe; transfer?: TransferKind; shell?: ShellCost; problems: string[]; connected?: ConnectedHost }
  | { host: ResolvedHost; error: HostError };

/** What one command costs on the host before it runs: a `true` exec, mostly the user's shell start-up. */
export interface ShellCost {
  ms: number;
}

/** The inventory file's hosts (with the EC2 instances its ec2 section names), resolved as the user's ssh would. */
export function inventoryOf(file: string, io: Io): Promise<ResolvedHost[]> {
  return loadInventory(file, { cwd: io.cwd, ...(io.env.HOME ? { home: io.env.HOME } : {}) }, (section) => discoverEc2(section));
}

/**
 * Connects to and probes every host (see mapConnecting for how many at once). A host's connection stays
 * open when `keep(problems)` says so, and is closed at once otherwise: a
 * large inventory never holds more sessions than it needs.
 */
export function probeHosts(
  hosts: readonly ResolvedHost[],
  options: { acceptNewHostKeys: boolean; env: Io['env']; cacheLooks?: readonly CacheLook[]; inspect?: boolean; holdShell?: boolean },
  keep: (problems: readonly string[], probe: HostProbe, host: ResolvedHost) => boolean,
): Promise<HostProbeResult[]> {
  return mapConnecting(hosts, async (host): Promise<HostProbeResult> => {
    let connected: ConnectedHost;
    let shell: ShellCost | undefined;
    try {
      connected = await connectAndProbe(host, options);
    } catch (error) {
      return { host, error: error as HostError };
    }
    // Told, not judged: a host whose timing failed is as usable as its probe says.
    if (options.inspect) shell = await shellCostOf(connected).catch(() => undefined);
    const { probe, transfer } = connected;
    const problems = probeProblems(probe, host.browserPath);
    const result = { host, probe, ...(transfer ? { transfer } : {}), ...(shell ? { shell } : {}), problems };
    if (keep(problems, probe, host)) return { ...result, connected };
    connected.connection.close();
    return result;
  });
}

/**
 * Times one `true` exec from the host's accepting it to its end: the login
 * shell's start-up and about half a round trip, not the two round trips of
 * opening the channel (a far host is not a slow shell). The best of two: the
 * first may pay for a cold disk.
 */
async function shellCostOf(connected: ConnectedHost): Promise<ShellCost> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const running = await connected.connection.exec('true');
    const started = performance.now();
    running.channel.end();
    await running.exited;
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best };
}

/**
 * Connects and asks what the host has; any failure comes out as a HostError
 * naming its stage. With `inspect` (hosts check), also Chromium's version and
 * how files would reach it.
 */
export async function connectAndProbe(
  host: ResolvedHost,
  options: {
    acceptNewHostKeys: boolean;
    acceptNewJumpKeys?: boolean;
    env?: Readonly<Record<string, string | undefined>>;
    cacheLooks?: readonly CacheLook[];
    inspect?: boolean;
    holdShell?: boolean;
  },
): Promise<ConnectedHost> {
  const asHostError = (error: unknown) => (error instanceof HostError ? error : new HostError(host.name, 'connect', error instanceof Error ? error.message : String(error)));
  const connection = await SshConnection.open(host, options).catch((error: unknown) => {
    throw asHostError(error);
  });
  try {
    const dial = () => SshConnection.open(host, { acceptNewHostKeys: false, ...(options.env ? { env: options.env } : {}) });
    if (options.holdShell) {
      // A run: the agent's way back is asked for while the probe runs.
      connection.prepareRemoteForward();
      const { probe, shell } = await probeHolding(connection, host, options.cacheLooks);
      return { host, connection, probe, dial, shell };
    }
    const probe = await probeOver(connection, host, options.cacheLooks, options.inspect);
    return { host, connection, probe, ...(options.inspect ? { transfer: await transferKindOf(connection) } : {}), dial };
  } catch (error) {
    connection.close();
    throw asHostError(error);
  }
}

/** As probeOver, and the probe's shell is kept for a later command (HeldShell). */
async function probeHolding(connection: SshConnection, host: ResolvedHost, cacheLooks: readonly CacheLook[] = []): Promise<{ probe: HostProbe; shell: HeldShell }> {
  const held = await HeldShell.open(connection, probeScript(shellQuote(host.node), host.browserPath, host.workDir, cacheLooks)).catch((error: unknown) => {
    throw new HostError(host.name, 'probe', `the probe failed: ${(error as Error).message}`);
  });
  // As probeOver: a probe that printed nothing failed, and what it said on stderr is why.
  if (!held.stdout.includes('home=')) {
    held.shell.close();
    throw new HostError(host.name, 'probe', `the probe failed: ${held.stderr.trim() || 'it printed nothing'}`);
  }
  return { probe: parseProbe(held.stdout), shell: held.shell };
}

/** Asks the host what it has, over an open connection; with `chromiumVersion`, Chromium's version too (hosts check shows it). */
export async function probeOver(connection: SshConnection, host: ResolvedHost, cacheLooks: readonly CacheLook[] = [], chromiumVersion = false): Promise<HostProbe> {
  const result = await connection.run(probeScript(shellQuote(host.node), host.browserPath, host.workDir, cacheLooks, chromiumVersion));
  if (result.code !== 0 && !result.stdout) throw new HostError(host.name, 'probe', `the probe failed: ${result.stderr.trim()}`);
  return parseProbe(result.stdout);
}
