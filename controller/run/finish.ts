// Phase 4: the run's end in the store, the merged series rebuilt from the raw
// windows, the unified report written and summarised, and the exit code.
import type { Io } from '../../src/io.js';
import type { Report } from '../../src/protocol/report.js';
import type { RunStatus, StopCause } from '../../src/protocol/store.js';
import { fileProblem } from '../files.js';
import { shownPath } from '../paths.js';
import { attachmentsFromStore, reportFromStore, reportOfStoredWindows } from '../report/from-store.js';
import { counted } from '../format.js';
import { writeReportFiles, type Attachments } from '../report/outputs.js';
import { COLOURS, PLAIN, summaryText } from '../report/summary.js';
import type { RunStore } from '../store/store.js';
import { finishSeries } from '../store/rollups.js';
import type { PreparedRun } from './prepare.js';
import type { RunOutcome } from './request.js';
import type { RunSession } from './session.js';
import type { StoreWriter } from './store-writer.js';
import type { OutputSummary } from '../live/output.js';
import { terminalSafe } from '../../src/terminal-text.js';

/** 0 completed and every threshold passed, 1 a threshold failed, 3 aborted or failed, 4 a threshold failed and stopped the load (abortOnFail). */
export function exitCodeOf(report: Report): number {
  if (report.run.status !== 'completed') return 3;
  if (report.run.stoppedBy) return 4;
  return report.thresholds.every((t) => t.passed) ? 0 : 1;
}

export interface RunEnd {
  prepared: PreparedRun;
  store: RunStore;
  io: Io;
  session: RunSession;
  status: RunStatus;
  /** what the live outputs said at the end */
  outputs?: readonly OutputSummary[];
  /** the threshold that stopped the load */
  stoppedBy?: StopCause;
}

export function concludeRun(input: RunEnd): RunOutcome {
  const { prepared, store, io, session, status, outputs = [], stoppedBy } = input;
  const { runId } = prepared;
  const agents = [...session.agents.values()];
  const endedAt = Math.max(...agents.map((a) => a.byeAt ?? a.lostAt ?? Date.now()));
  // One last try for what the disk refused during the run, then the run's end.
  const { writes } = session;
  writes.checkStillThere();
  // The series first, a slice per transaction (a week's would hold the store's lock for minutes), the run's end last:
  // a store that refuses midway leaves a run that reads as interrupted, reported from its raw windows.
  const accounts = session.leases.accounts();
  const stored =
    writes.retry() &&
    writes.write(() => {
      finishSeries(store, { id: runId, windowMs: prepared.windowMs });
      if (accounts.length > 0) store.setRunData(runId, accounts);
      if (stoppedBy) store.setRunStopped(runId, stoppedBy);
      store.finishRun(runId, status, endedAt);
    });
  const report = stored ? reportFromStore(store, runId) : reportOfStoredWindows(store, runId, { status, endedAt, agents: agents.map((agent) => session.recordOf(agent)), ...(session.t0 !== undefined ? { startedAt: session.t0 } : {}), ...(stoppedBy ? { stoppedBy } : {}) });
  const files = writeFiles(report, prepared, io, attachmentsFromStore(store, runId));
  io.out(summaryText(report, (files ?? []).map((file) => shownPath(io.cwd, file)), io.isTTY ? COLOURS : PLAIN));
  // A target's answer can be in a line (an HTTP reason phrase): nothing it sends reaches the terminal as control bytes.
  for (const output of outputs) io.out(`${terminalSafe(output.line)}\n`);
  if (session.duplicates > 0) io.err(`(${session.duplicates} resent windows were already stored and not counted twice)\n`);
  if (session.refusedWindows > 0) io.err(`(${session.refusedWindows} windows from agents were out of bounds, refused and left out of the report)\n`);
  if (session.invalidFrames > 0) io.err(`(${session.invalidFrames} messages from agents could not be read and were left out)\n`);
  if (!files) {
    io.err(`squall: the report files could not be written to ${shownPath(io.cwd, prepared.outDir)}; the run is in the store: squall report ${runId} --out DIR\n`);
  }
  if (!stored) io.err(`squall: ${unstoredText(writes, prepared, io, Date.parse(report.run.startedAt))}\n`);
  if (writes.storeGone) io.err(`squall: the store ${shownPath(io.cwd, prepared.dbPath)} was deleted or replaced during the run: the run is in its report files only\n`);
  if (writes.evidenceLost > 0) io.err(`(${writes.evidenceLost} failed steps' evidence could not be stored)\n`);
  return { exitCode: files && stored && !writes.storeGone ? exitCodeOf(report) : 3, runId, report, outDir: prepared.outDir, dbPath: prepared.dbPath, resentWindows: session.duplicates };
}

/** What the store is missing, exactly: the span of the windows it never took, and why. */
function unstoredText(writes: StoreWriter, prepared: PreparedRun, io: Io, t0: number): string {
  const why = writes.outage?.why ?? writes.firstProblem?.why ?? 'unknown';
  const store = shownPath(io.cwd, prepared.dbPath);
  const span = writes.held.span();
  const at = (ms: number) => `${new Date(ms).toISOString()} (t=${Math.round((ms - t0) / 1000)}s)`;
  const missing = span
    ? `${counted(span.windows, 'window')} from ${at(span.from)} to ${at(span.to)} (${span.agents.join(', ')}) are not in it`
    : 'the run\'s end is not in it';
  const left = writes.leftWithAgents.size > 0 ? `; more windows, past the memory the controller holds them in, stayed with ${[...writes.leftWithAgents].join(', ')}` : '';
  return `the store ${store} could not be written (${why}): ${missing}${left}; the report covers what it holds`;
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
