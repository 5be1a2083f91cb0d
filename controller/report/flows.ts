// A scenario's named flows over the run: the mix asked (weights) against the
// mix started, and each flow's iteration counts. Pure.
import { addCounts } from '../../src/metrics/merge.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import type { FlowMix } from '../../src/protocol/plan.js';
import type { ReportFlow } from '../../src/protocol/report.js';
import { sharePct } from './numbers.js';

type Counts = NonNullable<MergedWindow['flows']>[string];

export function flowTotals(windows: readonly MergedWindow[]): Map<string, Counts> {
  const totals = new Map<string, Counts>();
  for (const window of windows) for (const [name, counts] of Object.entries(window.flows ?? {})) totals.set(name, addCounts(totals.get(name), counts));
  return totals;
}

export function flowsSection(mix: FlowMix, windows: readonly MergedWindow[]): ReportFlow[] {
  const totals = flowTotals(windows);
  const weights = mix.reduce((sum, f) => sum + f.weight, 0);
  const started = [...totals.values()].reduce((sum, c) => sum + c.started, 0);
  return mix.map(({ name, weight }) => {
    const counts = totals.get(name) ?? { started: 0, completed: 0, failed: 0 };
    return { name, weight, askedPct: sharePct(weight, weights), startedPct: sharePct(counts.started, started), ...counts };
  });
}

/** "flows: browse 80.1% of iterations (80% asked), checkout 19.9% (20%)" */
export function flowsText(flows: readonly ReportFlow[]): string {
  return `flows: ${flows.map((f, i) => `${f.name} ${f.startedPct}%${i === 0 ? ' of iterations' : ''} (${f.askedPct}%${i === 0 ? ' asked' : ''})`).join(', ')}`;
}
