// squall compare <a> <b>: per-step deltas between two stored runs.
import type { Command } from 'commander';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { dbFlag } from './flags.js';

function percentOption(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text.trim());
  if (!match) throw new InputError(`${flag} ${text}: expected a percentage such as 10%`);
  return Number(match[1]);
}

export function registerCompare(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('compare')
    .description('per-step deltas between two runs; flags regressions beyond the tolerance')
    .argument('<run-a>', 'the baseline run (id, prefix or "last")')
    .argument('<run-b>', 'the run to judge')
    .option('--tolerance <pct>', 'how much worse latency (p50, p95, p99) and throughput may get', '10%')
    .option('--error-tolerance <pts>', 'how many percentage points the error rate may rise', '1%')
    .addOption(dbFlag())
    .addHelpText('after', '\nExit codes: 0 no regression, 1 a regression, 2 bad input.')
    .action(async (queryA: string, queryB: string, flags: { tolerance: string; errorTolerance: string; db?: string }) => {
      // The store and the reports load when the command runs: help and bad flags answer without them.
      const { compareReports, compareText } = await import('../report/compare.js');
      const { reportFromStore } = await import('../report/from-store.js');
      const { COLOURS, PLAIN } = await import('../report/summary.js');
      const { resolveRunId, withExistingStore } = await import('../store/open.js');
      withExistingStore(io, flags.db, (store) => {
        const tolerances = { relativePct: percentOption('--tolerance', flags.tolerance), errorPoints: percentOption('--error-tolerance', flags.errorTolerance) };
        const a = reportFromStore(store, resolveRunId(store, queryA));
        const b = reportFromStore(store, resolveRunId(store, queryB));
        const comparisons = compareReports(a, b, tolerances);
        io.out(compareText(a, b, comparisons, tolerances, io.isTTY ? COLOURS : PLAIN));
        setExit(comparisons.some((c) => c.deltas.some((d) => d.regression)) ? 1 : 0);
      });
    });
}
