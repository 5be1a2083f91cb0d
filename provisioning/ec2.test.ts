// EC2 decisions: instances to hosts (a ~/.ssh/config Host entry for the id
// wins over the address), fleets from their tags, the lifetime boot script.
import { describe, expect, it } from 'vitest';
import { fleetsOf, fleetTags, lifetimeUserData, type Ec2Instance } from './ec2.js';
import { resolveInventory } from './inventory.js';

const home = '/home/tester';
const instance = (id: string, over: Partial<Ec2Instance> = {}): Ec2Instance => ({ id, type: 'c7i.xlarge', state: 'running', publicIp: '198.51.100.7', privateIp: '10.0.0.7', dns: 'ec2-198-51-100-7.compute-1.amazonaws.com', tags: {}, ...over });
const section = { region: 'us-east-1', tags: { role: 'loadgen' }, user: 'admin', identityFile: '~/.ssh/fleet.pem' };

describe('ec2 inventories', () => {
  it('makes each instance a host named by its id, at the address asked for, beside listed hosts', () => {
    const hosts = resolveInventory({ hosts: [{ host: '10.9.9.9' }], ec2: { ...section, address: 'privateIp' } }, 'h.yaml', home, undefined, [instance('i-0a'), instance('i-0b', { privateIp: '10.0.0.8' })]);
    expect(hosts.map((h) => [h.name, h.host, h.user])).toEqual([
      ['10.9.9.9', '10.9.9.9', expect.any(String)],
      ['i-0a', '10.0.0.7', 'admin'],
      ['i-0b', '10.0.0.8', 'admin'],
    ]);
    expect(hosts[1]!.identityFiles).toEqual(['/home/tester/.ssh/fleet.pem']);
  });

  it('lets a ~/.ssh/config Host entry for the instance id win over its address, as OpenSSH would', () => {
    const [host] = resolveInventory({ ec2: section }, 'h.yaml', home, 'Host i-0a\n  HostName 127.0.0.9\n  Port 2201\n', [instance('i-0a', { publicIp: undefined })]);
    expect(host).toMatchObject({ name: 'i-0a', host: '127.0.0.9', port: 2201 });
  });

  it('says which instance has no address of the kind asked, and when none was found', () => {
    expect(() => resolveInventory({ ec2: section }, 'h.yaml', home, undefined, [instance('i-0a', { publicIp: undefined })])).toThrow('h.yaml: ec2: instance i-0a has no publicIp; set ec2.address: privateIp');
    expect(() => resolveInventory({ ec2: section }, 'h.yaml', home, undefined, [])).toThrow('h.yaml: ec2: no running instance in us-east-1 has the tags role=loadgen');
  });

  it.each([
    ['a bad region', { ec2: { ...section, region: 'mars' } }, 'h.yaml: ec2.region: expected an AWS region such as us-east-1'],
    ['no tags', { ec2: { ...section, tags: {} } }, 'h.yaml: ec2.tags: name at least one tag'],
    ['an unknown address kind', { ec2: { ...section, address: 'ipv6' } }, /h\.yaml: ec2\.address: Invalid option/],
    ['neither hosts nor ec2', {}, 'h.yaml: hosts: list hosts, or say which EC2 instances to use with ec2: { region, tags }'],
  ])('rejects %s', (_what, raw, message) => {
    expect(() => resolveInventory(raw, 'h.yaml', home)).toThrow(message);
  });
});

describe('fleets', () => {
  it('groups squall instances by fleet, with count, types, age, expiry and an hourly price', () => {
    const tags = fleetTags('f1', 'ana', new Date('2026-12-02T08:00:00Z'));
    const fleets = fleetsOf([
      instance('i-1', { tags, launchedAt: new Date('2026-12-02T06:00:00Z') }),
      instance('i-2', { tags, launchedAt: new Date('2026-12-02T06:01:00Z') }),
      instance('i-3', { tags: fleetTags('f2', 'ana', new Date()), type: 'x9.mega' }),
      instance('i-4'),
    ]);
    expect(fleets).toHaveLength(2);
    expect(fleets[0]).toMatchObject({ fleetId: 'f2', count: 1, usdPerHour: undefined });
    expect(fleets[1]).toMatchObject({ fleetId: 'f1', count: 2, types: ['c7i.xlarge'], instanceIds: ['i-1', 'i-2'], usdPerHour: 0.357, expiresAt: new Date('2026-12-02T08:00:00Z') });
  });

  it('boots with a power-off at the end of its lifetime', () => {
    expect(lifetimeUserData(120)).toMatch(/^#!\/bin\/sh\n[\s\S]*shutdown -P \+120 /);
  });
});
