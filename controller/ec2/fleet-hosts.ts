// From a launched fleet to load hosts: the inventory that finds it by its tag,
// a wait until every instance answers SSH (its new host key recorded, as
// OpenSSH's accept-new does), then prepare. "Ready" is SSH answered and the
// probe passed, not "instance running".
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Io } from '../../src/io.js';
import { InputError, RunFailure } from '../../src/errors.js';
import type { ResolvedHost } from '../../src/protocol/hosts.js';
import { FLEET_TAG, ON_DEMAND_USD_PER_HOUR } from '../../provisioning/ec2.js';
import { formatSeconds } from '../format.js';
import { HostError, type SshConnection } from '../ssh/connection.js';
import { connectAndProbe, inventoryOf, mapConnecting } from '../sites/probe-hosts.js';
import { launchFleet, terminateFleets, type LaunchedFleet, type LaunchRequest } from './fleet.js';

export function defaultOwner(): string {
  return `${userInfo().username}@${hostname()}`;
}

/** Where squall keeps what it made for fleets: key files and their inventories. */
export function fleetHome(io: Io): string {
  return join(io.env.HOME ?? userInfo().homedir, '.squall');
}

export function fleetInventoryText(fleet: LaunchedFleet, login: { user: string; identityFile?: string; knownHosts?: string }): string {
  const ec2 = {
    region: fleet.region,
    tags: { [FLEET_TAG]: fleet.fleetId },
    user: login.user,
    ...(login.identityFile ?? fleet.keyFile ? { identityFile: login.identityFile ?? fleet.keyFile } : {}),
    ...(login.knownHosts ? { knownHosts: login.knownHosts } : {}),
  };
  return `# squall fleet ${fleet.fleetId} in ${fleet.region}: its running instances, found by tag.\n# End it with: squall hosts down --fleet ${fleet.fleetId} --region ${fleet.region}\n${stringify({ ec2 })}`;
}

/** Waits until every host answers SSH and runs the probe; names the ones that never did. */
export async function untilSshAnswers(hosts: readonly ResolvedHost[], timeoutMs: number, io: Io, cancelled: () => boolean): Promise<void> {
  const started = Date.now();
  const silent: string[] = [];
  await mapConnecting(hosts, async (host) => {
    let last = '';
    for (;;) {
      if (cancelled()) throw new RunFailure('interrupted while waiting for SSH');
      let connection: SshConnection | undefined;
      try {
        // A fresh instance's key cannot be in known_hosts yet: record it on first sight (a jump host's must be known).
        connection = (await connectAndProbe(host, { acceptNewHostKeys: true, acceptNewJumpKeys: false, env: io.env })).connection;
        io.err(`${host.name}: SSH answered after ${formatSeconds(Date.now() - started)}\n`);
        return;
      } catch (error) {
        last = error instanceof HostError ? error.reason : (error as Error).message;
        // A changed host key or a refused key will not get better by waiting.
        if (error instanceof HostError && (error.stage === 'host key' || error.stage === 'auth') && Date.now() - started > 60_000) break;
      } finally {
        connection?.close();
      }
      if (Date.now() - started > timeoutMs) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    silent.push(`${host.name} (${last})`);
  });
  if (silent.length > 0) throw new InputError(`no SSH within ${formatSeconds(timeoutMs)} from ${silent.join(', ')}`);
}

export interface BringUpOptions {
  launch: Omit<LaunchRequest, 'say' | 'cancelled' | 'keysDir' | 'owner'> & { owner?: string };
  user: string;
  identityFile?: string;
  /** the inventory to write (default ~/.squall/fleets/<fleet>.yaml) */
  out?: string;
  readyTimeoutMs: number;
}

/**
 * Watches Ctrl-C for as long as a command has a fleet, from before its launch
 * to after its end: the first press stops the command at its next step (a
 * run stops gracefully) and the fleet is terminated then; a second press
 * terminates it at once. Without this, a Ctrl-C between the launch and the
 * run (connecting, preparing: minutes) would kill the process and leave the
 * fleet to its lifetime.
 */
export class FleetGuard {
  cancelled = false;
  private fleet: (Pick<LaunchedFleet, 'fleetId' | 'region'> & Partial<Pick<LaunchedFleet, 'instances'>>) | undefined;
  private ending: Promise<void> | undefined;
  private readonly stopListening: () => void;

  constructor(private readonly io: Io) {
    this.stopListening = io.onInterrupt(() => this.interrupted());
  }

  track(fleet: LaunchedFleet): void {
    this.fleet = fleet;
  }

  /** Terminates the fleet once, whoever asks first. */
  end(): Promise<void> {
    if (!this.fleet) return Promise.resolve();
    this.ending ??= endFleet(this.fleet, this.io);
    return this.ending;
  }

  /** Keeps the fleet (the user ends it later) and stops listening. */
  release(): void {
    this.stopListening();
  }

  /** Ends the fleet (if any) and stops listening. */
  async close(): Promise<void> {
    try {
      await this.end();
    } finally {
      this.stopListening();
    }
  }

  private interrupted(): void {
    if (this.cancelled) {
      this.io.err('terminating the fleet now\n');
      void this.end();
      return;
    }
    this.cancelled = true;
    if (this.fleet) this.io.err(`fleet ${this.fleet.fleetId} is terminated when squall stops (Ctrl-C again: terminate it now)\n`);
  }
}

/**
 * Launches a fleet, writes its inventory (with a known_hosts of its own: EC2
 * gives old addresses to new instances) and waits for SSH on every instance.
 * The guard ends the fleet on failure; the caller closes it when done.
 */
export async function bringUpFleet(options: BringUpOptions, io: Io, guard: FleetGuard): Promise<{ fleet: LaunchedFleet; inventory: string; hosts: ResolvedHost[] }> {
  const fleet = await launchFleet({
    ...options.launch,
    owner: options.launch.owner ?? defaultOwner(),
    keysDir: join(fleetHome(io), 'keys'),
    say: (line) => io.err(`${line}\n`),
    cancelled: () => guard.cancelled,
  });
  guard.track(fleet);
  const inventory = resolve(io.cwd, options.out ?? join(fleetHome(io), 'fleets', `${fleet.fleetId}.yaml`));
  mkdirSync(dirname(inventory), { recursive: true });
  const knownHosts = join(fleetHome(io), 'fleets', `${fleet.fleetId}.known_hosts`);
  mkdirSync(dirname(knownHosts), { recursive: true });
  const login = { user: options.user, knownHosts, ...(options.identityFile ? { identityFile: resolve(io.cwd, options.identityFile) } : {}) };
  writeFileSync(inventory, fleetInventoryText(fleet, login));
  io.err(`${fleet.instances.length} instances running (${fleet.instances.map((i) => i.id).join(', ')}); inventory in ${inventory}\n`);
  const hosts = await inventoryOf(inventory, io);
  await untilSshAnswers(hosts, options.readyTimeoutMs, io, () => guard.cancelled);
  if (guard.cancelled) throw new RunFailure('interrupted while the fleet was starting');
  return { fleet, inventory, hosts };
}

/** What the fleet cost on demand so far: EC2 bills Linux per second, a minute at least. */
export function fleetCostText(fleet: Pick<LaunchedFleet, 'fleetId' | 'instances'>, now = Date.now()): string | undefined {
  let usd = 0;
  let upMs = 0;
  for (const instance of fleet.instances) {
    const price = ON_DEMAND_USD_PER_HOUR[instance.type];
    if (price === undefined || !instance.launchedAt) return undefined;
    const ms = Math.max(60_000, now - instance.launchedAt.getTime());
    upMs = Math.max(upMs, ms);
    usd += (price * ms) / 3_600_000;
  }
  return `fleet ${fleet.fleetId}: up ${formatSeconds(upMs)}, about $${usd.toFixed(usd < 1 ? 3 : 2)} at on-demand list prices`;
}

/** Terminates a fleet and removes what was made for it; says so either way. */
export async function endFleet(fleet: Pick<LaunchedFleet, 'fleetId' | 'region'> & Partial<Pick<LaunchedFleet, 'instances'>>, io: Io): Promise<void> {
  try {
    const ended = await terminateFleets(fleet.region, { fleetId: fleet.fleetId }, (line) => io.err(`${line}\n`));
    if (ended.length === 0) io.err(`fleet ${fleet.fleetId}: nothing left running\n`);
    const cost = fleet.instances ? fleetCostText({ fleetId: fleet.fleetId, instances: fleet.instances }) : undefined;
    if (cost) io.err(`${cost}\n`);
  } catch (error) {
    io.err(`squall: could not terminate fleet ${fleet.fleetId}: ${(error as Error).message}; run  squall hosts down --fleet ${fleet.fleetId} --region ${fleet.region}\n`);
  }
}
