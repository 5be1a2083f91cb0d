// squall's EC2 fleets: launch (image, key pair, security group, tags, a boot
// script that ends the instance at its lifetime), list, terminate. A launch
// that fails part way terminates what it started.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, RunFailure } from '../../src/errors.js';
import { FLEET_TAG, fleetsOf, fleetTags, lifetimeUserData, type Ec2Instance, type FleetSummary } from '../../provisioning/ec2.js';
import { aws, awsProblem, ec2Api, type Ec2Api } from './client.js';
import { describeInstances } from './discover.js';

export interface LaunchRequest {
  region: string;
  count: number;
  type: string;
  spot: boolean;
  subnet?: string;
  /** an existing key pair's name; without it one is made for the fleet */
  keyName?: string;
  /** an existing security group; without it one is made that allows SSH from `sshFrom` only */
  securityGroup?: string;
  sshFrom?: string;
  ami?: string;
  lifetimeMinutes: number;
  owner: string;
  /** where a key made for the fleet is kept */
  keysDir: string;
  /** how long to wait for every instance to run */
  runningTimeoutMs: number;
  say: (line: string) => void;
  /** true once the user asked to stop: the launch ends, and terminates what it started */
  cancelled: () => boolean;
}

export interface LaunchedFleet {
  fleetId: string;
  region: string;
  instances: Ec2Instance[];
  ami: string;
  /** the private key made for the fleet, when one was */
  keyFile?: string;
  keyName: string;
  securityGroupId: string;
}

/** Debian 12 through its public SSM parameter: the region's current image. */
export function debianParameter(type: string): string {
  // Graviton types (c7g, m7g, t4g, …) run arm64.
  const arm = /^[a-z]+\d+g[a-z]*\./.test(type);
  return `/aws/service/debian/release/12/latest/${arm ? 'arm64' : 'amd64'}`;
}

async function imageFor(api: Ec2Api, request: LaunchRequest): Promise<string> {
  if (request.ami) {
    const found = await aws(api, `checking --ami ${request.ami}`, () => api.ec2.send(new api.sdk.DescribeImagesCommand({ ImageIds: [request.ami!] })));
    if (!found.Images?.length) throw new InputError(`EC2 ${api.region}: --ami ${request.ami}: no such image in this region`);
    return request.ami;
  }
  const parameter = debianParameter(request.type);
  const { client, sdk } = await api.ssm();
  try {
    const answer = await client.send(new sdk.GetParameterCommand({ Name: parameter }));
    if (answer.Parameter?.Value) return answer.Parameter.Value;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ParameterNotFound') throw awsProblem(error, `reading ${parameter}`, api.region);
  }
  throw new InputError(`EC2 ${api.region}: no Debian 12 image found through the SSM parameter ${parameter}; pass --ami with an image id`);
}

async function checkType(api: Ec2Api, type: string): Promise<void> {
  await aws(api, `--type ${type}`, () => api.ec2.send(new api.sdk.DescribeInstanceTypesCommand({ InstanceTypes: [type as never] })));
}

async function keyPairFor(api: Ec2Api, request: LaunchRequest, fleetId: string): Promise<{ keyName: string; keyFile?: string }> {
  if (request.keyName) {
    const found = await aws(api, `--key ${request.keyName}`, () => api.ec2.send(new api.sdk.DescribeKeyPairsCommand({ KeyNames: [request.keyName!] })));
    if (!found.KeyPairs?.length) throw new InputError(`EC2 ${api.region}: --key ${request.keyName}: no such key pair`);
    return { keyName: request.keyName };
  }
  const keyName = `squall-${fleetId}`;
  const made = await aws(api, 'creating a key pair', () => api.ec2.send(new api.sdk.CreateKeyPairCommand({ KeyName: keyName, KeyType: 'ed25519' })));
  mkdirSync(request.keysDir, { recursive: true, mode: 0o700 });
  const keyFile = join(request.keysDir, `${keyName}.pem`);
  writeFileSync(keyFile, made.KeyMaterial ?? '', { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return { keyName, keyFile };
}

async function securityGroupFor(api: Ec2Api, request: LaunchRequest, fleetId: string): Promise<string> {
  if (request.securityGroup) return request.securityGroup;
  if (!request.sshFrom) throw new InputError('say where SSH may come from: --ssh-from CIDR (your address, e.g. 203.0.113.7/32), or --security-group sg-…');
  const vpcId = request.subnet
    ? (await aws(api, `--subnet ${request.subnet}`, () => api.ec2.send(new api.sdk.DescribeSubnetsCommand({ SubnetIds: [request.subnet!] })))).Subnets?.[0]?.VpcId
    : (await aws(api, 'finding the default VPC', () => api.ec2.send(new api.sdk.DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] })))).Vpcs?.[0]?.VpcId;
  if (!vpcId) throw new InputError(`EC2 ${api.region}: no default VPC; pass --subnet`);
  const group = await aws(api, 'creating a security group', () =>
    api.ec2.send(new api.sdk.CreateSecurityGroupCommand({ GroupName: `squall-${fleetId}`, Description: `squall fleet ${fleetId}: SSH from ${request.sshFrom} only`, VpcId: vpcId })),
  );
  await aws(api, 'allowing SSH', () =>
    api.ec2.send(new api.sdk.AuthorizeSecurityGroupIngressCommand({ GroupId: group.GroupId!, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: request.sshFrom!, Description: 'squall controller' }] }] })),
  );
  return group.GroupId!;
}

export async function launchFleet(request: LaunchRequest): Promise<LaunchedFleet> {
  const api = await ec2Api(request.region);
  const fleetId = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  await checkType(api, request.type);
  const ami = await imageFor(api, request);
  let made: { keyName: string; keyFile?: string } | undefined;
  let ids: string[] = [];
  try {
    made = await keyPairFor(api, request, fleetId);
    const securityGroupId = await securityGroupFor(api, request, fleetId);
    if (request.cancelled()) throw new RunFailure('interrupted before the fleet was launched');
    ids = await runInstances(api, request, { fleetId, ami, keyName: made.keyName, securityGroupId });
    const instances = await untilRunning(api, ids, request);
    return { fleetId, region: request.region, instances, ami, keyName: made.keyName, ...(made.keyFile ? { keyFile: made.keyFile } : {}), securityGroupId };
  } catch (error) {
    // Nothing of a launch that failed stays behind: instances, key pair, group, key file.
    try {
      if (ids.length > 0) request.say(`terminating the ${ids.length} instances just launched`);
      await endInstances(api, ids, request.say);
      await removeFleetResources(api, fleetId, request.say);
      if (made?.keyFile) rmSync(made.keyFile, { force: true });
    } catch (cleanup) {
      request.say(`could not clean up fleet ${fleetId} (${(cleanup as Error).message}); run  squall hosts down --fleet ${fleetId} --region ${request.region}`);
    }
    throw error;
  }
}

async function runInstances(api: Ec2Api, request: LaunchRequest, fleet: { fleetId: string; ami: string; keyName: string; securityGroupId: string }): Promise<string[]> {
  const expiresAt = new Date(Date.now() + request.lifetimeMinutes * 60_000);
  const tags = Object.entries(fleetTags(fleet.fleetId, request.owner, expiresAt)).map(([Key, Value]) => ({ Key, Value }));
  request.say(`launching ${request.count} × ${request.type}${request.spot ? ' (spot)' : ''} in ${request.region} from ${fleet.ami}: fleet ${fleet.fleetId}, ends itself by ${expiresAt.toISOString()}`);
  const started = await aws(api, `launching ${request.count} × ${request.type}`, () =>
    api.ec2.send(
      new api.sdk.RunInstancesCommand({
        ImageId: fleet.ami,
        InstanceType: request.type as never,
        MinCount: request.count,
        MaxCount: request.count,
        KeyName: fleet.keyName,
        SecurityGroupIds: [fleet.securityGroupId],
        ...(request.subnet ? { SubnetId: request.subnet } : {}),
        UserData: Buffer.from(lifetimeUserData(request.lifetimeMinutes)).toString('base64'),
        InstanceInitiatedShutdownBehavior: 'terminate',
        ...(request.spot ? { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } } : {}),
        TagSpecifications: [
          { ResourceType: 'instance', Tags: tags },
          { ResourceType: 'volume', Tags: tags },
        ],
      }),
    ),
  );
  return (started.Instances ?? []).map((instance) => instance.InstanceId!).filter(Boolean);
}

async function untilRunning(api: Ec2Api, ids: readonly string[], request: LaunchRequest): Promise<Ec2Instance[]> {
  const deadline = Date.now() + request.runningTimeoutMs;
  for (;;) {
    if (request.cancelled()) throw new RunFailure('interrupted while the fleet was starting');
    const instances = await describeInstances(api, [{ Name: 'instance-id', Values: [...ids] }], ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped']);
    const gone = instances.filter((i) => i.state !== 'pending' && i.state !== 'running');
    if (gone.length > 0) throw new RunFailure(`EC2 ${api.region}: ${gone.map((i) => `${i.id} is ${i.state}`).join(', ')} before it ran (spot capacity taken back, or a bad image?)`);
    if (instances.length === ids.length && instances.every((i) => i.state === 'running')) return instances;
    if (Date.now() > deadline) throw new RunFailure(`EC2 ${api.region}: the instances were not running within ${Math.round(request.runningTimeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

const ENDED_WAIT_MS = 3 * 60_000;

/** Terminates instances and waits until they are gone: their security group can be deleted only then. */
async function endInstances(api: Ec2Api, ids: readonly string[], say: (line: string) => void): Promise<void> {
  if (ids.length === 0) return;
  await aws(api, 'terminating instances', () => api.ec2.send(new api.sdk.TerminateInstancesCommand({ InstanceIds: [...ids] })));
  const deadline = Date.now() + ENDED_WAIT_MS;
  for (;;) {
    const left = (await describeInstances(api, [{ Name: 'instance-id', Values: [...ids] }], ['pending', 'running', 'shutting-down', 'stopping', 'stopped'])).length;
    if (left === 0) return;
    if (Date.now() > deadline) {
      say(`${left} instance${left === 1 ? '' : 's'} still shutting down after ${ENDED_WAIT_MS / 60_000} min; AWS finishes the termination`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

export async function listFleets(region: string): Promise<FleetSummary[]> {
  const api = await ec2Api(region);
  return fleetsOf(await describeInstances(api, [{ Name: 'tag-key', Values: [FLEET_TAG] }]));
}

/**
 * Terminates the fleet's instances (or every squall fleet's), waits until
 * they are gone and removes the key pair and security group made for it;
 * what a fleet left behind before (a group from an interrupted launch) goes too.
 */
export async function terminateFleets(region: string, which: { fleetId: string } | 'all', say: (line: string) => void): Promise<FleetSummary[]> {
  const api = await ec2Api(region);
  const fleets = fleetsOf(await describeInstances(api, [{ Name: 'tag-key', Values: [FLEET_TAG] }])).filter((f) => which === 'all' || f.fleetId === which.fleetId);
  for (const fleet of fleets) say(`fleet ${fleet.fleetId}: terminating ${fleet.count} instance${fleet.count === 1 ? '' : 's'}`);
  await endInstances(api, fleets.flatMap((f) => f.instanceIds), say);
  const leftovers = which === 'all' ? await leftoverFleetIds(api) : [which.fleetId];
  for (const fleetId of new Set([...fleets.map((f) => f.fleetId), ...leftovers])) await removeFleetResources(api, fleetId, say);
  return fleets;
}

/** Fleets whose key pair or security group squall made are still there. */
async function leftoverFleetIds(api: Ec2Api): Promise<string[]> {
  const keys = await aws(api, 'listing key pairs', () => api.ec2.send(new api.sdk.DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: ['squall-*'] }] })));
  const groups = await aws(api, 'listing security groups', () => api.ec2.send(new api.sdk.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['squall-*'] }] })));
  const names = [...(keys.KeyPairs ?? []).map((k) => k.KeyName ?? ''), ...(groups.SecurityGroups ?? []).map((g) => g.GroupName ?? '')];
  return names.filter((name) => name.startsWith('squall-')).map((name) => name.slice('squall-'.length));
}

/** The key pair and security group squall made for a fleet; a group AWS still refuses to delete is said, not hidden. */
export async function removeFleetResources(api: Ec2Api, fleetId: string, say: (line: string) => void): Promise<void> {
  const name = `squall-${fleetId}`;
  const keys = await api.ec2.send(new api.sdk.DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: [name] }] })).catch(() => undefined);
  if (keys?.KeyPairs?.length) await aws(api, `deleting key pair ${name}`, () => api.ec2.send(new api.sdk.DeleteKeyPairCommand({ KeyName: name })));
  const groups = await api.ec2.send(new api.sdk.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] })).catch(() => undefined);
  for (const group of groups?.SecurityGroups ?? []) {
    await api.ec2.send(new api.sdk.DeleteSecurityGroupCommand({ GroupId: group.GroupId! })).catch((error: unknown) => {
      say(`security group ${group.GroupId} (${name}) not deleted yet: ${(error as Error).message}; squall hosts down --fleet ${fleetId} tries again`);
    });
  }
}
