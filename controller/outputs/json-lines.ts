// --out json=FILE: one JSON line per merged window as it completes (and one
// per late agent's window), for whatever else wants the run live: tail -f,
// jq, a log shipper. Written synchronously: a line is whole once written.
import { appendFileSync, writeFileSync } from 'node:fs';
import type { CompletedWindow, LateWindow, LiveOutput, LiveRunInfo, OutputSummary } from '../live/output.js';

export function jsonLines(path: string): LiveOutput {
  let run: LiveRunInfo | undefined;
  let written = 0;
  let failed = 0;
  let lastError: string | undefined;
  const write = (line: object) => {
    try {
      appendFileSync(path, JSON.stringify(line) + '\n');
      written += 1;
    } catch (error) {
      failed += 1;
      lastError = error instanceof Error ? error.message : String(error);
    }
  };
  return {
    name: `json ${path}`,
    start(info) {
      run = info;
      try {
        writeFileSync(path, '');
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    },
    windowComplete({ merged, missing }: CompletedWindow) {
      write({ type: 'window', runId: run?.runId, t: run ? merged.windowStart - run.t0 : undefined, missing, window: merged });
    },
    windowLate({ agentId, merged }: LateWindow) {
      write({ type: 'late', runId: run?.runId, t: run ? merged.windowStart - run.t0 : undefined, agentId, window: merged });
    },
    async stop(): Promise<OutputSummary | undefined> {
      if (failed === 0) return undefined;
      return { line: `json ${path}: ${failed} of ${written + failed} windows not written (${lastError})`, undelivered: failed };
    },
  };
}
