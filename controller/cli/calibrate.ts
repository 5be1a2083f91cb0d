// squall calibrate [--hosts hosts.yaml]: how many VUs can each host run with
// its numbers still true?
import type { Command } from 'commander';
import type { Io } from '../../src/io.js';
import { FIDELITY_LIMIT, MAX_FAILED_PCT, type HostCalibration } from '../calibrate/levels.js';
import { formatMs } from '../format.js';
import { acceptNewHostKeysFlag, browserPathFlag, hostsFlag, positiveInt } from './flags.js';

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
    .addOption(hostsFlag('calibrate these hosts over SSH instead of this machine'))
    .option('--max-vus <n>', 'highest step to try per host', positiveInt, 64)
    .option('--hold <time>', 'how long each step is held (at least 4s)', '15s')
    .addOption(acceptNewHostKeysFlag())
    .addOption(browserPathFlag())
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
    .action(async (flags: { hosts?: string; maxVus: number; hold: string; acceptNewHostKeys?: boolean; browserPath?: string }) => {
      const { calibrate } = await import('../calibrate/calibrate.js');
      const outcome = await calibrate(flags, io);
      io.out(calibrationText(outcome.hosts));
      setExit(outcome.exitCode);
    });
}
