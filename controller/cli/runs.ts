// squall runs: past runs from the store, newest first.
import type { Command } from 'commander';
import type { Io } from '../../src/io.js';
import { formatDuration } from '../../src/load/duration.js';
import type { RunRecord, RunStatus } from '../../src/protocol/store.js';
import { dbFlag, positiveInt } from './flags.js';
import { terminalSafe } from '../../src/terminal-text.js';

/** Why a run ended as it did, when that is not plain. */
function noteOf(run: RunRecord, status: RunStatus): string {
  if (status === 'interrupted') {
    const seen = run.heartbeatAt ?? run.startedAt;
    const owner = run.owner ? `its controller (pid ${run.owner.pid} on ${run.owner.host})` : 'its controller';
    return `${owner} is gone, last heard at ${new Date(seen).toLocaleString('sv-SE').slice(11, 19)}; squall report ${run.id} shows what was stored`;
  }
  if (status === 'failed' && run.error) return run.error.length > 100 ? `${run.error.slice(0, 99)}…` : run.error;
  if (run.stoppedBy) return terminalSafe(`stopped by threshold ${run.stoppedBy.threshold.target}: ${run.stoppedBy.threshold.expression} at ${formatDuration(run.stoppedBy.atMs)}`);
  return '';
}

export function registerRuns(program: Command, io: Io): void {
  program
    .command('runs')
    .description('list past runs from the store, newest first')
    .addOption(dbFlag())
    .option('--limit <n>', 'how many', positiveInt, 20)
    .action(async (flags: { db?: string; limit: number }) => {
      const { alignedTable } = await import('../report/summary.js');
      const { localProbe, runStatusNow } = await import('../store/liveness.js');
      const { withExistingStore } = await import('../store/open.js');
      withExistingStore(io, flags.db, (store) => {
        const runs = store.listRuns(flags.limit);
        if (runs.length === 0) return io.out('no runs yet\n');
        const probe = localProbe();
        const rows = [['id', 'when', 'scenario', 'peak VUs', 'duration', 'status', 'note']];
        for (const run of runs) {
          const status = runStatusNow(run, probe);
          rows.push([
            run.id,
            new Date(run.startedAt).toLocaleString('sv-SE').slice(0, 16),
            run.scenario,
            String(run.peakVus),
            run.endedAt !== undefined ? formatDuration(run.endedAt - run.startedAt) : '-',
            status,
            noteOf(run, status),
          ]);
        }
        // The note column only when some run has something to say.
        const shown = rows.some((row, i) => i > 0 && row[6] !== '') ? rows : rows.map((row) => row.slice(0, 6));
        io.out(alignedTable(shown, (c) => c === 3 || c === 4).join('\n') + '\n');
      });
    });
}
