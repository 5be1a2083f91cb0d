// squall hosts launch | list | down: EC2 fleets of load hosts, and the launch
// flags `run --ec2` shares.
import { type Command, Option } from 'commander';
import { InputError, RunFailure } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { AWS_REGION_PATTERN } from '../../src/protocol/hosts.js';
import { ON_DEMAND_USD_PER_HOUR } from '../../provisioning/ec2.js';
import type { BringUpOptions } from '../ec2/fleet-hosts.js';
import { clock, counted } from '../format.js';
import { durationFlag } from '../load-plan.js';
import { DEFAULT_NODE_MIRROR } from '../prepare/mirrors.js';
import { alignedTable } from '../report/summary.js';
import { prepareTable, prepareVerdict } from './hosts.js';
import { positiveInt } from './flags.js';

export interface Ec2Flags {
  type: string;
  region?: string;
  spot?: boolean;
  subnet?: string;
  key?: string;
  identityFile?: string;
  securityGroup?: string;
  sshFrom?: string;
  ami?: string;
  maxLifetime: string;
  user: string;
  readyTimeout: string;
}

const regionFlag = () => new Option('--region <region>', 'AWS region (default: $AWS_REGION or $AWS_DEFAULT_REGION)');

/** The flags of a launch, on `hosts launch` and on `run` (with --ec2). */
export function addEc2LaunchOptions(command: Command): Command {
  return command
    .addOption(new Option('--type <type>', 'instance type').default('c7i.xlarge'))
    .addOption(regionFlag())
    .option('--spot', 'spot instances (cheaper; AWS may take them back)')
    .option('--subnet <id>', 'subnet to launch into (default: the default VPC)')
    .option('--key <name>', 'an existing EC2 key pair (with --identity-file); without it squall makes one for the fleet')
    .option('--identity-file <path>', 'private key of --key')
    .option('--security-group <id>', 'an existing security group (default: one made for the fleet that allows SSH from --ssh-from only)')
    .option('--ssh-from <cidr>', "who may SSH to the fleet (default: this machine's public address, asked from checkip.amazonaws.com)")
    .option('--ami <id>', "image to launch (default: the region's current Debian 12, from its public SSM parameter)")
    .addOption(new Option('--max-lifetime <time>', 'each instance powers itself off and is terminated this long after boot, whatever happens here').default('2h'))
    .addOption(new Option('--user <name>', 'SSH user of the image').default('admin'))
    .addOption(new Option('--ready-timeout <time>', 'how long every instance has to answer SSH').default('5m'));
}

function regionOf(flags: { region?: string }, io: Io): string {
  const region = flags.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new InputError('say which AWS region: --region us-east-1 (or set AWS_REGION)');
  if (!AWS_REGION_PATTERN.test(region)) throw new InputError(`--region ${region}: expected an AWS region such as us-east-1`);
  return region;
}

async function sshFromOf(flags: Ec2Flags, io: Io): Promise<string | undefined> {
  if (flags.securityGroup) return undefined;
  const { checkSshFrom } = await import('../ec2/launch-checks.js');
  if (flags.sshFrom) return checkSshFrom(flags.sshFrom, io);
  try {
    const answer = await fetch('https://checkip.amazonaws.com', { signal: AbortSignal.timeout(5000) });
    const address = (await answer.text()).trim();
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return `${address}/32`;
  } catch {
    // said below
  }
  throw new InputError('cannot tell this machine\'s public address (checkip.amazonaws.com did not answer); pass --ssh-from CIDR or --security-group');
}

export async function bringUpOptionsOf(flags: Ec2Flags, count: number, io: Io, out?: string): Promise<BringUpOptions> {
  // The EC2 and SSH side loads only for commands that launch: every other command starts without it.
  const { checkFleetSize, checkIdentityFile, checkInventoryPath } = await import('../ec2/launch-checks.js');
  if (flags.key && !flags.identityFile) throw new InputError(`--key ${flags.key}: say where its private key is with --identity-file`);
  if (flags.identityFile) checkIdentityFile(flags.identityFile, io);
  if (out) checkInventoryPath(out, io);
  checkFleetSize(count);
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(flags.type)) throw new InputError(`--type ${flags.type}: expected an instance type such as c7i.xlarge`);
  const lifetimeMs = durationFlag('--max-lifetime', flags.maxLifetime);
  if (lifetimeMs < 10 * 60_000) throw new InputError(`--max-lifetime ${flags.maxLifetime}: at least 10m (a fleet must outlive its own start)`);
  const region = regionOf(flags, io);
  const sshFrom = await sshFromOf(flags, io);
  return {
    launch: {
      region,
      count,
      type: flags.type,
      spot: flags.spot ?? false,
      lifetimeMinutes: Math.ceil(lifetimeMs / 60_000),
      runningTimeoutMs: 5 * 60_000,
      ...(flags.subnet ? { subnet: flags.subnet } : {}),
      ...(flags.key ? { keyName: flags.key } : {}),
      ...(flags.securityGroup ? { securityGroup: flags.securityGroup } : {}),
      ...(sshFrom ? { sshFrom } : {}),
      ...(flags.ami ? { ami: flags.ami } : {}),
    },
    user: flags.user,
    ...(flags.identityFile ? { identityFile: flags.identityFile } : {}),
    ...(out ? { out } : {}),
    readyTimeoutMs: durationFlag('--ready-timeout', flags.readyTimeout),
  };
}

function money(usd: number | undefined): string {
  return usd === undefined ? '?' : `$${usd.toFixed(2)}/h`;
}

export function registerEc2Hosts(hosts: Command, io: Io, setExit: (code: number) => void): void {
  addEc2LaunchOptions(
    hosts
      .command('launch')
      .description('launch an EC2 fleet of load hosts, wait until each answers SSH, and prepare them')
      .requiredOption('--count <n>', 'how many instances', positiveInt)
      .option('--out <file>', 'write the fleet\'s inventory here (default: ~/.squall/fleets/<fleet>.yaml)')
      .option('--no-prepare', 'do not install Node.js and Chromium on them'),
  )
    .addHelpText(
      'after',
      `
Credentials come from the AWS SDK's standard chain (environment, profile, SSO,
instance role); squall never prints them. Every instance carries the tags
squall:fleet, squall:owner and squall:expires, and boots with a script that
powers it off at --max-lifetime with shutdown behaviour "terminate": a fleet
whose controller died still ends itself. A failure after the launch, or
Ctrl-C, terminates the fleet.

The inventory written finds the fleet's running instances by tag; use it with
squall run --hosts. End the fleet with squall hosts down --fleet ID.
On-demand list prices (us-east-1, USD/h): ${Object.entries(ON_DEMAND_USD_PER_HOUR).filter(([t]) => t.startsWith('c7i')).map(([t, p]) => `${t} ${p}`).join(', ')}.`,
    )
    .action(async (flags: Ec2Flags & { count: number; out?: string; prepare: boolean }) => {
      const options = await bringUpOptionsOf(flags, flags.count, io, flags.out);
      const { bringUpFleet, FleetGuard } = await import('../ec2/fleet-hosts.js');
      const { prepareInventory } = await import('../prepare/prepare-hosts.js');
      const guard = new FleetGuard(io);
      let keep = false;
      try {
        const { fleet, inventory, hosts: ready } = await bringUpFleet(options, io, guard);
        if (flags.prepare) {
          const rows = await prepareInventory(ready, { acceptNewHostKeys: false, settings: { nodeSource: 'auto', nodeMirror: DEFAULT_NODE_MIRROR } }, io);
          io.out(prepareTable(rows));
          io.out(prepareVerdict(rows));
          if (rows.some((r) => r.problems.length > 0)) {
            io.err(`terminating fleet ${fleet.fleetId}: not every host could be prepared\n`);
            setExit(3);
            return;
          }
        }
        if (guard.cancelled) throw new RunFailure('interrupted while the fleet was being prepared');
        keep = true;
        const price = ON_DEMAND_USD_PER_HOUR[options.launch.type];
        io.out(`fleet ${fleet.fleetId}: ${counted(fleet.instances.length, 'host')} ready, ${money(price === undefined ? undefined : price * fleet.instances.length)} on demand\n`);
        io.out(`  squall run <scenario> --hosts ${inventory}\n  squall hosts down --fleet ${fleet.fleetId} --region ${fleet.region}\n`);
      } finally {
        if (keep) guard.release();
        else await guard.close();
      }
    });

  hosts
    .command('list')
    .description("every squall fleet in a region: count, type, age, time left, price per hour")
    .addOption(regionFlag())
    .action(async (flags: { region?: string }) => {
      const region = regionOf(flags, io);
      const { listFleets } = await import('../ec2/fleet.js');
      const fleets = await listFleets(region);
      if (fleets.length === 0) {
        io.out(`no squall fleet running in ${region}\n`);
        return;
      }
      const now = Date.now();
      const rows = fleets.map((f) => [
        f.fleetId,
        String(f.count),
        f.types.join(','),
        f.launchedAt ? clock(now - f.launchedAt.getTime()) : '?',
        f.expiresAt ? (f.expiresAt.getTime() > now ? clock(f.expiresAt.getTime() - now) : 'expired') : '?',
        money(f.usdPerHour),
      ]);
      io.out(alignedTable([['fleet', 'hosts', 'type', 'age', 'left', 'on demand'], ...rows], (c) => c === 1 || c === 5).join('\n') + '\n');
    });

  hosts
    .command('down')
    .description('terminate a squall fleet (or all of them in the region)')
    .option('--fleet <id>', 'the fleet to end')
    .option('--all', "every squall fleet in the region")
    .addOption(regionFlag())
    .action(async (flags: { fleet?: string; all?: boolean; region?: string }) => {
      if (!flags.fleet === !flags.all) throw new InputError('say which: --fleet ID, or --all');
      const region = regionOf(flags, io);
      const { terminateFleets } = await import('../ec2/fleet.js');
      const ended = await terminateFleets(region, flags.all ? 'all' : { fleetId: flags.fleet! }, (line) => io.err(`${line}\n`));
      if (ended.length === 0) {
        io.out(flags.all ? `no squall fleet running in ${region}\n` : `no fleet ${flags.fleet} running in ${region}\n`);
        setExit(flags.all ? 0 : 1);
        return;
      }
      io.out(`terminated ${counted(ended.reduce((n, f) => n + f.count, 0), 'instance')} of ${counted(ended.length, 'fleet')}\n`);
    });
}
