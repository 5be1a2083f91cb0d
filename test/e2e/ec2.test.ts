// EC2 against moto's server on loopback (the AWS API is the one thing that
// cannot run here; the SDK, the commands and the SSH are real). moto's
// addresses belong to no machine, so they are never dialled: an ~/.ssh/config
// in the test's HOME maps every instance id (Host i-*) to a loopback sshd
// host, the rule by which a Host entry wins over an instance's address.
import * as sdk from '@aws-sdk/client-ec2';
import { DescribeImagesCommand, DescribeInstanceAttributeCommand, DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { describeInstances } from '../../controller/ec2/discover.js';
import { EXPIRES_TAG, FLEET_TAG, OWNER_TAG, type Ec2Instance } from '../../provisioning/ec2.js';
import type { Report } from '../../src/protocol/report.js';
import { fixture, runCli } from '../harness/cli.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { startSshLab, type SshLab } from '../harness/ssh-lab.js';

// The SDK's notice about future Node versions, in this test process's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const REGION = 'eu-west-1';

describe('EC2 fleets (moto)', () => {
  let moto: Moto;
  let lab: SshLab;
  let app: DemoApp;
  let dir: string;
  let home: string;
  let ami: string;
  let ec2: EC2Client;
  let env: Record<string, string>;
  const login = () => ['--user', 'root', '--identity-file', lab.userKey.privateKeyPath, '--ssh-from', '127.0.0.1/32', '--ami', ami, '--region', REGION];
  const live = (): Promise<Ec2Instance[]> => describeInstances({ region: REGION, sdk, ec2, ssm: () => Promise.reject(new Error('not used')) }, []);
  const mapInstancesTo = (port: number) => writeFileSync(join(home, '.ssh', 'config'), `Host i-*\n  HostName ${lab.hosts[0]!.sshd.address}\n  Port ${port}\n`);

  beforeAll(async () => {
    moto = await startMoto();
    lab = await startSshLab([{ address: '127.0.0.11' }]);
    app = await startDemoApp();
    dir = mkdtempSync(join(tmpdir(), 'squall-ec2-'));
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    env = { ...moto.env, HOME: home };
    ec2 = new EC2Client({ region: REGION, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    ami = (await ec2.send(new DescribeImagesCommand({}))).Images![0]!.ImageId!;
  }, 60_000);

  beforeEach(() => mapInstancesTo(lab.hosts[0]!.sshd.port));

  afterAll(async () => {
    await app?.close();
    await lab?.stop();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an inventory with ec2: { region, tags } uses the running instances with those tags, named by id', async () => {
    const started = await ec2.send(
      new RunInstancesCommand({ ImageId: ami, InstanceType: 't3.medium', MinCount: 2, MaxCount: 2, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'role', Value: 'loadgen' }] }] }),
    );
    await ec2.send(new RunInstancesCommand({ ImageId: ami, InstanceType: 't3.medium', MinCount: 1, MaxCount: 1 }));
    const ids = started.Instances!.map((i) => i.InstanceId!).sort();
    const inventory = join(dir, 'tagged.yaml');
    writeFileSync(inventory, `ec2:\n  region: ${REGION}\n  tags: { role: loadgen }\n  user: root\n  identityFile: ${lab.userKey.privateKeyPath}\n`);
    const check = await runCli(['hosts', 'check', inventory, '--accept-new-host-keys'], { env });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout.split('\n').filter((line) => line.startsWith('i-')).map((line) => line.split(' ')[0])).toEqual(ids);
    const none = join(dir, 'none.yaml');
    writeFileSync(none, `ec2:\n  region: ${REGION}\n  tags: { role: nothing }\n`);
    const empty = await runCli(['hosts', 'check', none], { env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(`squall: ${none}: ec2: no running instance in ${REGION} has the tags role=nothing\n`);
  });

  it('hosts launch: tagged instances that end themselves, a key pair and SSH from the caller only; list shows them; down ends them', async () => {
    const out = join(dir, 'fleet.yaml');
    const launched = await runCli(['hosts', 'launch', '--count', '3', '--max-lifetime', '90m', '--out', out, ...login()], { env });
    expect(launched.code, launched.stdout + launched.stderr).toBe(0);
    const fleetId = /fleet (\S+): 3 hosts ready, \$0\.54\/h on demand/.exec(launched.stdout)![1]!;
    expect(launched.stdout).toContain(`squall hosts down --fleet ${fleetId} --region ${REGION}`);
    expect(launched.stderr).toMatch(/SSH answered after/);
    expect(readFileSync(out, 'utf8')).toContain(`squall:fleet: ${fleetId}`);

    const fleet = (await live()).filter((i) => i.tags[FLEET_TAG] === fleetId);
    expect(fleet).toHaveLength(3);
    expect(fleet.every((i) => i.type === 'c7i.xlarge' && i.state === 'running' && i.tags[OWNER_TAG] && i.tags[EXPIRES_TAG])).toBe(true);
    const expires = new Date(fleet[0]!.tags[EXPIRES_TAG]!).getTime();
    expect(Math.abs(expires - (Date.now() + 90 * 60_000))).toBeLessThan(5 * 60_000);
    const userData = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: fleet[0]!.id, Attribute: 'userData' }));
    expect(Buffer.from(userData.UserData!.Value!, 'base64').toString()).toMatch(/shutdown -P \+90 /);
    const behaviour = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: fleet[0]!.id, Attribute: 'instanceInitiatedShutdownBehavior' }));
    expect(behaviour.InstanceInitiatedShutdownBehavior!.Value).toBe('terminate');
    expect((await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [`squall-${fleetId}`] }))).KeyPairs).toHaveLength(1);
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`squall-${fleetId}`] }] }))).SecurityGroups![0]!;
    expect(group.IpPermissions).toEqual([expect.objectContaining({ FromPort: 22, ToPort: 22, IpRanges: [expect.objectContaining({ CidrIp: '127.0.0.1/32' })] })]);

    const list = await runCli(['hosts', 'list', '--region', REGION], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${fleetId} +3 +c7i\\.xlarge +0:\\d\\d +1:(29|30):\\d\\d +\\$0\\.54/h$`, 'm'));

    const down = await runCli(['hosts', 'down', '--fleet', fleetId, '--region', REGION], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toBe('terminated 3 instances of 1 fleet\n');
    expect((await live()).filter((i) => i.tags[FLEET_TAG] === fleetId)).toEqual([]);
    await expect(ec2.send(new DescribeKeyPairsCommand({ KeyNames: [`squall-${fleetId}`] }))).rejects.toThrow();
    // Deleted once its instances were gone.
    expect((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`squall-${fleetId}`] }] }))).SecurityGroups).toEqual([]);
    expect((await runCli(['hosts', 'list', '--region', REGION], { env })).stdout).toBe(`no squall fleet running in ${REGION}\n`);
  }, 120_000);

  it('run --ec2 2 launches, runs, reports and leaves nothing running', async () => {
    app.reset();
    const out = join(dir, 'run');
    const result = await runCli(['run', fixture('shop.scenario.ts'), '--ec2', '2', ...login(), '--vus', '2', '--duration', '4s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'runs.db')], { env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.agents.map((a) => a.host).every((h) => h.startsWith('i-'))).toBe(true);
    expect(report.agents).toHaveLength(2);
    expect(report.steps.find((s) => s.name === 'add to cart')!.count).toBe(app.stats()['POST /api/cart']!.hits);
    expect(result.stderr).toMatch(/fleet \S+: terminating 2 instances/);
    expect((await live()).filter((i) => i.tags[FLEET_TAG])).toEqual([]);
  }, 120_000);

  it('run --ec2 interrupted with Ctrl-C mid-run still terminates the fleet', async () => {
    let interrupted = false;
    const result = await runCli(['run', fixture('shop.scenario.ts'), '--ec2', '2', ...login(), '--vus', '2', '--duration', '2m', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', join(dir, 'run-int'), '--db', join(dir, 'runs.db')], {
      env,
      watch: ({ stdout }, child) => {
        if (!interrupted && /^\[ *\d+:\d\d\] .* steps [1-9]/m.test(stdout)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/fleet \S+: terminating 2 instances/);
    expect((await live()).filter((i) => i.tags[FLEET_TAG])).toEqual([]);
  }, 120_000);

  it('hosts launch interrupted with Ctrl-C as soon as the instances run still terminates them', async () => {
    let interrupted = false;
    const result = await runCli(['hosts', 'launch', '--count', '2', ...login()], {
      env,
      watch: ({ stderr }, child) => {
        if (!interrupted && /instances running/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/fleet \S+: terminating 2 instances/);
    expect((await live()).filter((i) => i.tags[FLEET_TAG])).toEqual([]);
  }, 60_000);

  it('refuses a run longer than the fleet would live, before launching', async () => {
    const result = await runCli(['run', fixture('shop.scenario.ts'), '--ec2', '1', ...login(), '--duration', '2h', '--max-lifetime', '2h', '--env', `TARGET=${app.url}`, '--out', join(dir, 'too-long'), '--db', join(dir, 'runs.db')], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^squall: --max-lifetime 120m: the run takes 2h\S*, and the fleet needs 15 minutes more to start and prepare; give a longer --max-lifetime$/m);
    expect((await live()).filter((i) => i.tags[FLEET_TAG])).toEqual([]);
  });

  it('a fleet that never answers SSH is terminated, with one line naming the hosts', async () => {
    mapInstancesTo(9); // nothing listens there
    const result = await runCli(['hosts', 'launch', '--count', '2', '--ready-timeout', '4s', ...login()], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^squall: no SSH within 4\.0s from i-\S+ \(unreachable: connection refused .*\), i-\S+ /m);
    expect(result.stderr).toMatch(/terminating 2 instances/);
    expect((await live()).filter((i) => i.tags[FLEET_TAG])).toEqual([]);
  }, 60_000);

  it.each([
    ['an unknown instance type', ['--type', 'c99.huge'], /^squall: EC2 eu-west-1: --type c99\.huge: InvalidInstanceType: /],
    ['an unknown image', ['--ami', 'ami-00000000'], /^squall: EC2 eu-west-1: checking --ami ami-00000000: InvalidAMIID/],
    ['a region that is not one', ['--region', 'mars'], /^squall: --region mars: expected an AWS region such as us-east-1$/],
    ['a lifetime too short', ['--max-lifetime', '1m'], /^squall: --max-lifetime 1m: at least 10m/],
  ])('refuses %s with one line, launching nothing', async (_what, extra, message) => {
    const result = await runCli(['hosts', 'launch', '--count', '1', ...login(), ...extra], { env });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(message);
    expect((await live()).filter((i) => i.tags[FLEET_TAG])).toEqual([]);
  });

  it('says where the Debian image would come from when the region has none, and when there are no credentials', async () => {
    const noAmi = await runCli(['hosts', 'launch', '--count', '1', '--user', 'root', '--ssh-from', '127.0.0.1/32', '--region', REGION], { env });
    expect(noAmi.code).toBe(2);
    expect(noAmi.stderr).toContain('no Debian 12 image found through the SSM parameter /aws/service/debian/release/12/latest/amd64; pass --ami with an image id');
    const noCredentials = await runCli(['hosts', 'list', '--region', REGION], { env: { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(/^squall: EC2 eu-west-1: listing instances: no AWS credentials found/);
  });
});
