// squall runs / report / compare: everything about past runs, from the store.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareReports, compareText } from '../../controller/report/compare.js';
import { reportFromStore } from '../../controller/report/from-store.js';
import { REPORT_FORMATS, renderReport, writeReportFiles, type FileFormat } from '../../controller/report/outputs.js';
import { COLOURS, PLAIN, alignedTable, summaryText } from '../../controller/report/summary.js';
import { defaultDbPath, exitCodeOf } from '../../controller/run.js';
import { RunStore } from '../../controller/store/store.js';
import { UserError } from '../errors.js';
import { formatDuration } from '../load/duration.js';
import { shownPath } from '../paths.js';
import type { Io } from './io.js';
import { positiveInt } from './options.js';

const DB_OPTION = ['--db <file>', 'SQLite store of past runs (default: $SQUALL_DB or squall-results/squall.db)'] as const;

function openStore(io: Io, db: string | undefined): RunStore {
  const path = resolve(io.cwd, db ?? defaultDbPath(io));
  if (!existsSync(path)) throw new UserError(`no run store at ${shownPath(io.cwd, path)}: run a test first, or pass --db`);
  return RunStore.open(path);
}

function withStore<T>(io: Io, db: string | undefined, use: (store: RunStore) => T): T {
  const store = openStore(io, db);
  try {
    return use(store);
  } finally {
    store.close();
  }
}

export function resolveRunId(store: RunStore, query: string): string {
  const ids = store.matchRunIds(query);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw new UserError(`no run "${query}" in the store (squall runs lists them)`);
  throw new UserError(`"${query}" matches several runs (${ids.join(', ')}…); give more of the id`);
}

function percentOption(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text.trim());
  if (!match) throw new UserError(`${flag} ${text}: expected a percentage such as 10%`);
  return Number(match[1]);
}

export function registerHistory(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('runs')
    .description('list past runs from the store, newest first')
    .option(...DB_OPTION)
    .option('--limit <n>', 'how many', positiveInt, 20)
    .action((flags: { db?: string; limit: number }) =>
      withStore(io, flags.db, (store) => {
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

  program
    .command('report')
    .description('render a past run\'s report again, from the store')
    .argument('<run-id>', 'a run id, a unique prefix of one, or "last"')
    .option('--format <format>', `terminal, ${REPORT_FORMATS.join(', ')}`, 'terminal')
    .option('--out <dir>', 'write the file there (report.json, report.html, series.csv or junit.xml) instead of to stdout')
    .option(...DB_OPTION)
    .addHelpText('after', '\nThe exit code is that of the run: 0 passed, 1 a threshold failed, 3 aborted or failed.')
    .action((query: string, flags: { format: string; out?: string; db?: string }) =>
      withStore(io, flags.db, (store) => {
        const format = flags.format as FileFormat | 'terminal';
        if (format !== 'terminal' && !REPORT_FORMATS.includes(format)) {
          throw new UserError(`--format ${flags.format}: expected terminal, ${REPORT_FORMATS.join(', ')}`);
        }
        const report = reportFromStore(store, resolveRunId(store, query));
        if (format === 'terminal') io.out(summaryText(report, [], io.isTTY ? COLOURS : PLAIN));
        else if (flags.out) {
          for (const file of writeReportFiles(report, resolve(io.cwd, flags.out), [format])) io.out(`wrote ${shownPath(io.cwd, file)}\n`);
        } else io.out(renderReport(report, format));
        setExit(exitCodeOf(report));
      }),
    );

  program
    .command('compare')
    .description('per-step deltas between two runs; flags regressions beyond the tolerance')
    .argument('<run-a>', 'the baseline run (id, prefix or "last")')
    .argument('<run-b>', 'the run to judge')
    .option('--tolerance <pct>', 'how much worse latency (p50, p95, p99) and throughput may get', '10%')
    .option('--error-tolerance <pts>', 'how many percentage points the error rate may rise', '1%')
    .option(...DB_OPTION)
    .addHelpText('after', '\nExit codes: 0 no regression, 1 a regression, 2 bad input.')
    .action((queryA: string, queryB: string, flags: { tolerance: string; errorTolerance: string; db?: string }) =>
      withStore(io, flags.db, (store) => {
        const tolerances = { relativePct: percentOption('--tolerance', flags.tolerance), errorPoints: percentOption('--error-tolerance', flags.errorTolerance) };
        const a = reportFromStore(store, resolveRunId(store, queryA));
        const b = reportFromStore(store, resolveRunId(store, queryB));
        const comparisons = compareReports(a, b, tolerances);
        io.out(compareText(a, b, comparisons, tolerances, io.isTTY ? COLOURS : PLAIN));
        setExit(comparisons.some((c) => c.deltas.some((d) => d.regression)) ? 1 : 0);
      }),
    );
}
