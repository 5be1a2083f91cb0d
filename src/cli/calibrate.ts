// squall calibrate [--hosts hosts.yaml]: how many VUs can each host run with
// its numbers still true? Runs the reference workload in growing steps
// against the demo shop served on each host's own loopback.
import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseHost, FIDELITY_LIMIT, MAX_FAILED_PCT, calibrationLevels, calibrationPlan, calibrationWindowMs, MIN_HOLD_MS, type HostCalibration } from '../../controller/calibrate.js';
import { durationFlag } from '../../controller/load-plan.js';
import { formatMs } from '../../controller/progress.js';
import { runLoadTest } from '../../controller/run.js';
import { RunStore } from '../../controller/store/store.js';
import { formatDuration } from '../load/duration.js';
import { UserError } from '../errors.js';
import { REFERENCE_SCENARIO } from '../paths.js';
import type { WindowBody } from '../protocol/messages.js';
import type { Io } from './io.js';
import { positiveInt } from './options.js';

interface CalibrateFlags {
  hosts?: string;
  maxVus: number;
  hold: string;
  acceptNewHostKeys?: boolean;
  browserPath?: string;
}

export function calibrationText(results: readonly HostCalibration[]): string {
  const lines: string[] = [];
  for (const host of results) {
    const baseline = host.levels[0]?.samples ? `1-VU p50 ${formatMs(host.baselineP50)}` : 'no 1-VU samples (hold each step longer)';
    lines.push('', `${host.host}: ${baseline}`, '   VUs     p50   x base  failed  host CPU  saturated');
    for (const level of host.levels) {
      lines.push(
        [
          String(level.vus).padStart(6),
          (level.samples > 0 ? formatMs(level.p50) : '-').padStart(7),
          (Number.isFinite(level.ratio) ? `${level.ratio.toFixed(2)}x` : '-').padStart(8),
          `${level.failedPct.toFixed(1)}%`.padStart(7),
          `${Math.round(level.cpuPct)}%`.padStart(9),
          (level.saturated ? 'yes' : 'no').padStart(10),
          level.ok ? '' : '  <- over',
        ].join(' '),
      );
    }
    lines.push(`   suggested maxVUs: ${host.suggestedMaxVus} (p50 within ${FIDELITY_LIMIT}x of 1 VU, unsaturated, under ${MAX_FAILED_PCT}% failures)`);
  }
  lines.push('', 'for hosts.yaml:', ...results.map((h) => `  - { host: ${h.host}, maxVUs: ${h.suggestedMaxVus} }`));
  return lines.join('\n') + '\n';
}

export function registerCalibrate(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('calibrate')
    .description('measure how many VUs each host runs with its numbers still true, and suggest its maxVUs')
    .option('--hosts <file>', 'calibrate these hosts over SSH (default: this machine)')
    .option('--max-vus <n>', 'highest step to try per host', positiveInt, 64)
    .option('--hold <time>', 'how long each step is held (at least 4s)', '15s')
    .option('--accept-new-host-keys', 'with --hosts: trust and record host keys not yet in known_hosts')
    .option('--browser-path <path>', 'Chromium to drive on this machine')
    .addHelpText(
      'after',
      `
Each host serves the demo shop on its own loopback (every API route at 100 ms)
and runs the reference workload (3 steps, 1 s think time) at 1, 2, 4, 8, 12,
16, 24, 32, 48, 64 VUs in turn. Its suggested maxVUs is the last step whose
"product" p50 stays within ${FIDELITY_LIMIT}x of the 1-VU p50, with no saturated window and
under ${MAX_FAILED_PCT}% failures. Real pages cost more than the demo shop: treat the number as
an upper bound.`,
    )
    .action(async (flags: CalibrateFlags) => {
      const holdMs = durationFlag('--hold', flags.hold);
      if (holdMs < MIN_HOLD_MS) throw new UserError(`--hold ${flags.hold}: must be at least ${formatDuration(MIN_HOLD_MS)} to measure whole windows`);
      const levels = calibrationLevels(flags.maxVus, holdMs);
      const plan = calibrationPlan(levels);
      const total = plan.stages.reduce((sum, s) => sum + s.durationMs, 0);
      io.err(`calibrating ${flags.hosts ?? 'this machine'}: ${levels.map((l) => l.vus).join(', ')} VUs, ${formatDuration(total)}\n`);
      const dir = mkdtempSync(join(tmpdir(), 'squall-calibrate-'));
      let t0 = 0;
      try {
        const outcome = await runLoadTest(
          {
            scenario: REFERENCE_SCENARIO,
            flags: {},
            env: {},
            window: formatDuration(calibrationWindowMs(holdMs)),
            out: join(dir, 'out'),
            db: join(dir, 'runs.db'),
            plan,
            planPerAgent: true,
            serveDemo: true,
            dashboard: false,
            hosts: flags.hosts,
            acceptNewHostKeys: flags.acceptNewHostKeys,
            browserPath: flags.browserPath,
            onStarted: (start) => (t0 = start),
          },
          { ...io, out: () => {} },
        );
        const store = RunStore.open(outcome.dbPath);
        try {
          const byAgent = new Map<string, WindowBody[]>();
          for (const { agentId, body } of store.agentWindows(outcome.runId)) byAgent.set(agentId, [...(byAgent.get(agentId) ?? []), body]);
          const results = outcome.report.agents.map((agent) => analyseHost(agent.host, byAgent.get(agent.id) ?? [], levels, t0));
          io.out(calibrationText(results));
          setExit(outcome.exitCode === 3 ? 3 : 0);
        } finally {
          store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
}
