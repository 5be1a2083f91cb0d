// EC2 decisions without the AWS SDK: which instances become which hosts,
// what a squall fleet is tagged with and what it runs at boot, how fleets are
// listed and what they cost. controller/ec2/ does the API calls.
import type { Ec2Discovery } from '../src/protocol/hosts.js';

export interface Ec2Instance {
  id: string;
  type: string;
  state: string;
  launchedAt?: Date;
  publicIp?: string;
  privateIp?: string;
  dns?: string;
  tags: Record<string, string>;
}

export const FLEET_TAG = 'squall:fleet';
export const OWNER_TAG = 'squall:owner';
export const EXPIRES_TAG = 'squall:expires';

/** The address to dial for an instance, or why there is none. */
export function addressOf(instance: Ec2Instance, choice: Ec2Discovery['address']): { address: string } | { problem: string } {
  const address = choice === 'publicIp' ? instance.publicIp : choice === 'privateIp' ? instance.privateIp : instance.dns;
  if (address) return { address };
  const hint = choice === 'publicIp' ? '; set ec2.address: privateIp (with proxyJump through a bastion), or give it a Host entry in ~/.ssh/config' : '';
  return { problem: `instance ${instance.id} has no ${choice}${hint}` };
}

/** Boot script of a fleet instance: it powers itself off at the end of its lifetime; shutdown behaviour `terminate` does the rest. */
export function lifetimeUserData(lifetimeMinutes: number): string {
  return ['#!/bin/sh', `# squall: this instance ends itself ${lifetimeMinutes} minutes after boot, whatever happens to its controller.`, `shutdown -P +${lifetimeMinutes} 'squall fleet lifetime over' || (sleep ${lifetimeMinutes * 60} && poweroff) &`, ''].join('\n');
}

export function fleetTags(fleetId: string, owner: string, expiresAt: Date): Record<string, string> {
  return { [FLEET_TAG]: fleetId, [OWNER_TAG]: owner, [EXPIRES_TAG]: expiresAt.toISOString(), Name: `squall-${fleetId}` };
}

/** On-demand Linux price per hour in us-east-1 (USD), from AWS's price list of 2026; other regions and spot differ. */
export const ON_DEMAND_USD_PER_HOUR: Readonly<Record<string, number>> = {
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3.xlarge': 0.1664,
  'c5.large': 0.085,
  'c5.xlarge': 0.17,
  'c5.2xlarge': 0.34,
  'c6i.large': 0.085,
  'c6i.xlarge': 0.17,
  'c6i.2xlarge': 0.34,
  'c7i.large': 0.08925,
  'c7i.xlarge': 0.1785,
  'c7i.2xlarge': 0.357,
  'c7i.4xlarge': 0.714,
  'c7g.xlarge': 0.145,
  'c7g.2xlarge': 0.29,
  'm6i.xlarge': 0.192,
  'm7i.xlarge': 0.2016,
  'm7i.2xlarge': 0.4032,
};

export interface FleetSummary {
  fleetId: string;
  count: number;
  types: string[];
  launchedAt?: Date;
  expiresAt?: Date;
  /** summed over its instances; undefined when a type is not in the table */
  usdPerHour?: number;
  instanceIds: string[];
}

/** squall's instances grouped by fleet, oldest first. */
export function fleetsOf(instances: readonly Ec2Instance[]): FleetSummary[] {
  const fleets = new Map<string, FleetSummary>();
  for (const instance of instances) {
    const fleetId = instance.tags[FLEET_TAG];
    if (!fleetId) continue;
    const fleet = fleets.get(fleetId) ?? { fleetId, count: 0, types: [], instanceIds: [], usdPerHour: 0 };
    fleet.count += 1;
    fleet.instanceIds.push(instance.id);
    if (!fleet.types.includes(instance.type)) fleet.types.push(instance.type);
    const price = ON_DEMAND_USD_PER_HOUR[instance.type];
    fleet.usdPerHour = price === undefined || fleet.usdPerHour === undefined ? undefined : fleet.usdPerHour + price;
    if (instance.launchedAt && (!fleet.launchedAt || instance.launchedAt < fleet.launchedAt)) fleet.launchedAt = instance.launchedAt;
    const expires = instance.tags[EXPIRES_TAG] ? new Date(instance.tags[EXPIRES_TAG]) : undefined;
    if (expires && !Number.isNaN(expires.getTime())) fleet.expiresAt = expires;
    fleets.set(fleetId, fleet);
  }
  return [...fleets.values()].sort((a, b) => (a.launchedAt?.getTime() ?? 0) - (b.launchedAt?.getTime() ?? 0));
}
