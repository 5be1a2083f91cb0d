// squall run <scenario>: the load test itself.
import { Option, type Command } from 'commander';
import type { Io } from '../../src/io.js';
import type { ChromiumSource, NodeSource } from '../../provisioning/prepare-plan.js';
import { readSecrets } from '../secrets.js';
import { InputError } from '../../src/errors.js';
import type { LoadFlags } from '../load-plan.js';
import type { RunRequest } from '../run/request.js';
import { parseOutFlags, parseQuantiles } from '../outputs/targets.js';
import { addEc2LaunchOptions, bringUpOptionsOf, type Ec2Flags } from './hosts-ec2.js';
import {
  acceptNewHostKeysFlag,
  allowOriginFlag,
  SCENARIO_KINDS,
  browserPathFlag,
  dbFlag,
  envFlag,
  secretFlag,
  hostsFlag,
  noDashboardFlag,
  nodeFromFlag,
  nodeMirrorFlag,
  chromiumFromFlag,
  chromeMirrorFlag,
  runOutFlag,
  nonNegativeInt,
  positiveInt,
  positiveNumber,
  windowFlag,
  type OutputFlags,
  type ScenarioFlags,
} from './flags.js';

interface RunFlags extends ScenarioFlags, Omit<OutputFlags, 'out'>, Partial<Ec2Flags>, LoadFlags {
  out?: string[];
  ec2?: number;
  threshold?: string[];
  abortOnFail?: boolean;
  abortDelay?: string;
  exportQuantiles?: string;
  hosts?: string;
  acceptNewHostKeys?: boolean;
  minHosts?: number;
  agentGrace?: string;
  prepare?: boolean;
  nodeFrom?: NodeSource;
  nodeMirror?: string;
  chromiumFrom?: ChromiumSource;
  chromeMirror?: string;
}

/** Only the load's flags: commander's object holds every other option too. */
function loadFlagsOf({ vus, duration, stages, rate, per, rateStages, maxVus, preAllocatedVus, arrivals }: LoadFlags): LoadFlags {
  return { vus, duration, stages, rate, per, rateStages, maxVus, preAllocatedVus, arrivals };
}

export function registerRun(program: Command, io: Io, setExit: (code: number) => void): void {
  const run = program
    .command('run')
    .description('run a load test: real headless Chromium VUs drive your scenario; progress per window, then a report')
    .argument('<scenario>', SCENARIO_KINDS)
    .option('--vus <n>', "constant number of virtual users (overrides the scenario's options)", positiveInt)
    .option('--duration <time>', 'how long to hold the load, e.g. 30s, 2m, 1m30s')
    .option('--stages <list>', 'ramp profile as duration:target pairs, e.g. 10s:5,30s:5,10s:0')
    .option('--rate <n>', 'arrival rate instead of looping VUs: start n iterations per --per for --duration, each on a free VU; when none is free it is dropped and counted', positiveNumber)
    .option('--per <time>', 'the time unit of --rate and --rate-stages (default 1s)')
    .option('--rate-stages <list>', 'ramping arrival rate as duration:rate pairs, e.g. 1m:10,5m:10,1m:50')
    .option('--pre-allocated-vus <n>', 'arrival rate: VUs (browser contexts) made before the start (default: one second of the peak rate)', nonNegativeInt)
    .option('--max-vus <n>', 'arrival rate: the most VUs, made ahead of need (default: ten seconds of the peak rate)', positiveInt)
    .addOption(new Option('--arrivals <kind>', 'arrival rate: evenly spaced or random (Poisson) gaps').choices(['uniform', 'poisson']))
    .addOption(envFlag())
    .addOption(secretFlag())
    .addOption(allowOriginFlag())
    .option('--threshold <target:expression>', 'pass/fail criterion, e.g. "step:home:p95<500" or "iterations:failed<1%" (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--abort-on-fail', 'every --threshold stops the load as soon as it fails, judged on the whole fleet\'s windows as they complete (exit 4)')
    .option('--abort-delay <time>', 'with --abort-on-fail: judge nothing before this much of the load has run, e.g. 1m (default: 0)')
    .addOption(windowFlag('15s'))
    .addOption(runOutFlag())
    .option('--export-quantiles <list>', 'with --out prometheus-rw=… or otlp=…: the latency quantiles exported per window and over the run (default 0.5,0.9,0.95,0.99; Web Vitals add 0.75)')
    .addOption(dbFlag())
    .addOption(noDashboardFlag())
    .addOption(browserPathFlag())
    .addOption(hostsFlag('run agents on these hosts over SSH instead of locally'))
    .addOption(acceptNewHostKeysFlag())
    .option('--no-prepare', 'with --hosts: a host without Node.js 20+ or Chromium is unusable, instead of prepared as squall hosts prepare does')
    .addOption(nodeFromFlag())
    .addOption(nodeMirrorFlag())
    .addOption(chromiumFromFlag())
    .addOption(chromeMirrorFlag())
    .option('--min-hosts <n>', 'with --hosts: go on without unusable hosts as long as this many are usable', positiveInt)
    .option('--ec2 <n>', 'launch N EC2 instances for this run, prepare them, run on them and terminate them at the end (also on failure and Ctrl-C); the launch flags below apply', positiveInt)
    .option(
      '--agent-grace <time>',
      'how long an agent that lost the controller (a dropped SSH connection, a dead controller) keeps trying before it stops its browsers and exits; a link back within it loses nothing (default: 60s)',
    )
    .addHelpText(
      'after',
      `
Examples:
  squall run shop.ts --env TARGET=https://staging.example.com
  squall run shop.ts --vus 20 --duration 5m
  squall run shop.ts --stages 1m:50,5m:50,1m:0 --window 10s
  squall run shop.ts --rate 20 --duration 5m --max-vus 60
  squall run shop.ts --rate-stages 2m:50,5m:50 --per 1m --arrivals poisson
  squall run shop.ts --hosts hosts.yaml --vus 400 --duration 10m
  squall run shop.ts --ec2 4 --type c7i.xlarge --region eu-west-1 --vus 200 --duration 10m

Thresholds (in the scenario's options.thresholds or with --threshold):
  targets: step:<name>, steps (all steps together), iterations
  metrics: p50 p90 p95 p99 (any pNN) min max mean (ms, or s), count, failed (a count, or % of attempts), rate (/s);
           for iterations: started completed failed dropped (count or %) rate
           (rate: completed per second; in an arrival-rate run, started per second of the schedule)
  operators: < <= > >= == !=
  live: --abort-on-fail makes every --threshold stop the load as soon as it fails, judged on the whole fleet's
        windows as they complete (in the scenario: { threshold: 'p95 < 2000', abortOnFail: true, delayAbortEval: '1m' })

Writes report.json, report.html, series.csv and junit.xml into --out <dir>. Live outputs, as each window completes:
  --out prometheus-rw=http://localhost:9090/api/v1/write   Prometheus remote-write (metrics named squall_*)
  --out otlp=http://localhost:4318/v1/metrics               OpenTelemetry OTLP/HTTP (protobuf)
  --out json=windows.jsonl                                  one JSON line per window
  A target that is down never stops the run: what it missed is counted in the summary.

Exit codes: 0 completed and every threshold passed, 1 a threshold failed, 2 bad input, 3 aborted or failed,
4 a threshold with abortOnFail failed and stopped the load.`,
    )
  addEc2LaunchOptions(run);
  run.action(async (scenario: string, flags: RunFlags) => {
    if (flags.ec2 !== undefined && flags.hosts) throw new InputError('--ec2 and --hosts: give one (--ec2 launches the hosts)');
    if (flags.abortDelay !== undefined && !flags.abortOnFail) throw new InputError('--abort-delay: only with --abort-on-fail');
    const { resultsDir, outputs } = parseOutFlags(flags.out ?? [], io.cwd);
    const exportQuantiles = flags.exportQuantiles !== undefined ? parseQuantiles(flags.exportQuantiles, outputs) : undefined;
    const request: RunRequest = {
      scenario,
      flags: loadFlagsOf(flags),
      env: flags.env ?? {},
      secrets: await readSecrets(flags.secret ?? [], io),
      thresholds: flags.threshold ?? [],
      ...(flags.abortOnFail ? { abortOnFail: { delay: flags.abortDelay ?? '0s' } } : {}),
      window: flags.window,
      out: resultsDir,
      outputs,
      ...(exportQuantiles ? { exportQuantiles } : {}),
      db: flags.db,
      browserPath: flags.browserPath,
      dashboard: flags.dashboard,
      hosts: flags.hosts,
      acceptNewHostKeys: flags.acceptNewHostKeys,
      minHosts: flags.minHosts,
      agentGrace: flags.agentGrace,
      allowOrigins: flags.allowOrigin ?? [],
      prepare: flags.prepare,
      nodeFrom: flags.nodeFrom,
      nodeMirror: flags.nodeMirror,
      chromiumFrom: flags.chromiumFrom,
      chromeMirror: flags.chromeMirror,
    };
    // A run's machinery loads when a run starts: --help and bad flags answer without it.
    const outcome =
      flags.ec2 !== undefined
        ? await (await import('../run/ec2-run.js')).runOnEc2(request, await bringUpOptionsOf(flags as Ec2Flags, flags.ec2, io), io)
        : await (await import('../run/run.js')).runLoadTest(request, io);
    setExit(outcome.exitCode);
  });
}
