// The report of a run as the store holds it: what the end of a run writes,
// and what `squall report` renders again later.
import type { Report } from '../../src/protocol/report.js';
import { InputError } from '../../src/errors.js';
import type { RunStore } from '../store/store.js';
import { buildReport } from './build.js';

export function reportFromStore(store: RunStore, runId: string): Report {
  const run = store.getRun(runId);
  if (!run) throw new InputError(`no run "${runId}" in the store (squall runs lists them)`);
  return buildReport({
    run,
    agents: store.agents(runId),
    windows: store.mergedWindows(runId),
    agentWindows: store.agentWindows(runId),
    thresholds: run.config.thresholds,
  });
}
