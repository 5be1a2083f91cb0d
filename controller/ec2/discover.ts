// The running EC2 instances with the given tags, for an inventory's ec2 section
// and for fleet listings.
import type { Ec2Discovery } from '../../src/protocol/hosts.js';
import type { Ec2Instance } from '../../provisioning/ec2.js';
import { aws, ec2Api, type Ec2Api } from './client.js';

const LIVE_STATES = ['pending', 'running'];

export async function describeInstances(api: Ec2Api, filters: Array<{ Name: string; Values: string[] }>, states = LIVE_STATES): Promise<Ec2Instance[]> {
  const found: Ec2Instance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws(api, 'listing instances', () =>
      api.ec2.send(new api.sdk.DescribeInstancesCommand({ Filters: [...filters, { Name: 'instance-state-name', Values: states }], ...(nextToken ? { NextToken: nextToken } : {}) })),
    );
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        found.push({
          id: instance.InstanceId ?? '?',
          type: instance.InstanceType ?? '?',
          state: instance.State?.Name ?? '?',
          ...(instance.LaunchTime ? { launchedAt: instance.LaunchTime } : {}),
          ...(instance.PublicIpAddress ? { publicIp: instance.PublicIpAddress } : {}),
          ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}),
          ...(instance.PublicDnsName || instance.PrivateDnsName ? { dns: instance.PublicDnsName || instance.PrivateDnsName } : {}),
          tags: Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
        });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

export function tagFilters(tags: Record<string, string>): Array<{ Name: string; Values: string[] }> {
  return Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}

/** An inventory's ec2 section: running instances with every one of its tags. */
export async function discoverEc2(section: Ec2Discovery): Promise<Ec2Instance[]> {
  const api = await ec2Api(section.region);
  return describeInstances(api, tagFilters(section.tags), ['running']);
}
