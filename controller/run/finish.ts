// Phase 4: the run's end in the store, the merged series rebuilt from the raw
// windows, the unified report written and summarised, and the exit code.
import type { Io } from '../../src/io.js';
import type { Report } from '../../src/protocol/report.js';
import type { RunStatus } from '../../src/protocol/store.js';
import { fileProblem } from '../files.js';
import { shownPath } from '../paths.js';
import { attachmentsFromStore, reportFromStore } from '../report/from-store.js';
import { writeReportFiles, type Attachments } from '../report/outputs.js';
import { COLOURS, PLAIN, summaryText } from '../report/summary.js';
import type { RunStore } from '../store/store.js';
import type { PreparedRun } from './prepare.js';
import type { RunOutcome } from './request.js';
import type { RunSession } from './session.js';

/** 0 completed and every threshold passed, 1 a threshold failed, 3 aborted or failed. */
export function exitCodeOf(report: Report): number {
  if (report.run.status !== 'completed') return 3;
  return report.thresholds.every((t) => t.passed) ? 0 : 1;
}

export function concludeRun(input: { prepared: PreparedRun; store: RunStore; io: Io; session: RunSession; status: RunStatus }): RunOutcome {
  const { prepared, store, io, session, status } = input;
  const { runId } = prepared;
  const agents = [...session.agents.values()];
  const endedAt = Math.max(...agents.map((a) => a.byeAt ?? a.lostAt ?? Date.now()));
  store.finishRun(runId, status, endedAt);
  store.rebuildMerged(runId);
  const report = reportFromStore(store, runId);
  const files = writeFiles(report, prepared, io, attachmentsFromStore(store, runId));
  io.out(summaryText(report, (files ?? []).map((file) => shownPath(io.cwd, file)), io.isTTY ? COLOURS : PLAIN));
  if (session.duplicates > 0) io.err(`(${session.duplicates} resent windows were already stored and not counted twice)\n`);
  if (session.invalidFrames > 0) io.err(`(${session.invalidFrames} messages from agents could not be read and were left out)\n`);
  if (!files) {
    io.err(`squall: the report files could not be written to ${shownPath(io.cwd, prepared.outDir)}; the run is in the store: squall report ${runId} --out DIR\n`);
  }
  return { exitCode: files ? exitCodeOf(report) : 3, runId, report, outDir: prepared.outDir, dbPath: prepared.dbPath, resentWindows: session.duplicates };
}

/** The report files, or undefined when they cannot be written (a full disk, a folder gone): the run is kept in the store all the same. */
function writeFiles(report: Report, prepared: PreparedRun, io: Io, attachments: Attachments): string[] | undefined {
  try {
    return writeReportFiles(report, prepared.outDir, undefined, attachments);
  } catch (error) {
    const show = (path: string) => shownPath(io.cwd, path);
    io.err(`squall: ${show(prepared.outDir)}: ${fileProblem(prepared.outDir, error, show)}\n`);
    return undefined;
  }
}
