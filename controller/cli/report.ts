// squall report <run>: a past run's report again, exactly as the run wrote it.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { fileProblem } from '../files.js';
import { shownPath } from '../paths.js';
import { REPORT_FORMATS, type FileFormat } from '../report/formats.js';
import { dbFlag } from './flags.js';

export function registerReport(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('report')
    .description("render a past run's report again, from the store")
    .argument('<run-id>', 'a run id, a unique prefix of one, or "last"')
    .option('--format <format>', `terminal, ${REPORT_FORMATS.join(', ')}`, 'terminal')
    .option('--out <dir>', 'write the file there (report.json with the failed steps\' screenshots, report.html, series.csv with requests.csv and vitals.csv, or junit.xml) instead of to stdout')
    .addOption(dbFlag())
    .addHelpText('after', '\nThe exit code is that of the run: 0 passed, 1 a threshold failed, 3 aborted or failed.')
    .action(async (query: string, flags: { format: string; out?: string; db?: string }) => {
      const { attachmentsFromStore, reportFromStore } = await import('../report/from-store.js');
      const { renderReport, writeReportFiles } = await import('../report/outputs.js');
      const { COLOURS, PLAIN, summaryText } = await import('../report/summary.js');
      const { exitCodeOf } = await import('../run/finish.js');
      const { resolveRunId, withExistingStore } = await import('../store/open.js');
      withExistingStore(io, flags.db, (store) => {
        const format = flags.format as FileFormat | 'terminal';
        if (format !== 'terminal' && !REPORT_FORMATS.includes(format)) {
          throw new InputError(`--format ${flags.format}: expected terminal, ${REPORT_FORMATS.join(', ')}`);
        }
        const runId = resolveRunId(store, query);
        const report = reportFromStore(store, runId);
        const attachments = attachmentsFromStore(store, runId);
        if (format === 'terminal') io.out(summaryText(report, [], io.isTTY ? COLOURS : PLAIN));
        else if (flags.out) {
          const dir = resolve(io.cwd, flags.out);
          let files: string[];
          try {
            files = writeReportFiles(report, dir, [format], attachments);
          } catch (error) {
            throw new InputError(`--out ${flags.out}: ${fileProblem(dir, error, (path) => shownPath(io.cwd, path))}`);
          }
          for (const file of files) io.out(`wrote ${shownPath(io.cwd, file)}\n`);
        } else io.out(renderReport(report, format, attachments));
        setExit(exitCodeOf(report));
      });
    });
}
