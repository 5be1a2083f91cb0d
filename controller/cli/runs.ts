// squall runs: past runs from the store, newest first.
import type { Command } from 'commander';
import type { Io } from '../../src/io.js';
import { formatDuration } from '../../src/load/duration.js';
import { alignedTable } from '../report/summary.js';
import { withExistingStore } from '../store/open.js';
import { dbFlag, positiveInt } from './flags.js';

export function registerRuns(program: Command, io: Io): void {
  program
    .command('runs')
    .description('list past runs from the store, newest first')
    .addOption(dbFlag())
    .option('--limit <n>', 'how many', positiveInt, 20)
    .action((flags: { db?: string; limit: number }) =>
      withExistingStore(io, flags.db, (store) => {
        const runs = store.listRuns(flags.limit);
        if (runs.length === 0) return io.out('no runs yet\n');
        const rows = [['id', 'when', 'scenario', 'peak VUs', 'duration', 'status']];
        for (const run of runs) {
          rows.push([
            run.id,
            new Date(run.startedAt).toLocaleString('sv-SE').slice(0, 16),
            run.scenario,
            String(run.peakVus),
            run.endedAt !== undefined ? formatDuration(run.endedAt - run.startedAt) : '-',
            run.status,
          ]);
        }
        io.out(alignedTable(rows, (c) => c === 3 || c === 4).join('\n') + '\n');
      }),
    );
}
