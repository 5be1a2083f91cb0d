// A scenario's named flows over the run: the mix asked (weights) against the
// mix started, each flow's iteration counts and VUs, and for flows with loads
// of their own, what each load was. Pure.
import { addCounts } from '../../src/metrics/merge.js';
import type { MergedWindow } from '../../src/protocol/merged.js';
import { isFlowLoadsPlan, loadsOf, type Plan } from '../../src/protocol/plan.js';
import type { ReportFlow } from '../../src/protocol/report.js';
import { describeLoad } from '../progress.js';
import { sharePct } from './numbers.js';
import { maxOf } from '../../src/max-of.js';

type Counts = NonNullable<MergedWindow['flows']>[string];

export function flowTotals(windows: readonly MergedWindow[]): Map<string, Counts> {
  const totals = new Map<string, Counts>();
  for (const window of windows) for (const [name, counts] of Object.entries(window.flows ?? {})) totals.set(name, addCounts(totals.get(name), counts));
  return totals;
}

/**
 * Each flow of the plan, load by load: flows sharing a load are judged by
 * their weights within it; a flow alone in a load of its own by that load.
 */
export function flowsSection(plan: Plan, windows: readonly MergedWindow[]): ReportFlow[] {
  const totals = flowTotals(windows);
  const countsOf = (name: string) => totals.get(name) ?? { started: 0, completed: 0, failed: 0 };
  const allStarted = [...totals.values()].reduce((sum, c) => sum + c.started, 0);
  return loadsOf(plan).flatMap((load) => {
    const mix = load.flows ?? [];
    const own = isFlowLoadsPlan(plan) && mix.length === 1;
    const weights = mix.reduce((sum, f) => sum + f.weight, 0);
    const started = mix.reduce((sum, f) => sum + countsOf(f.name).started, 0);
    return mix.map(({ name, weight }) => {
      const { busy: _busy, allocated: _allocated, ...counts } = countsOf(name);
      const vus = vusOf(name, windows);
      return {
        name,
        ...(own ? { load: describeLoad(load) } : { weight, askedPct: sharePct(weight, weights) }),
        startedPct: sharePct(counts.started, own ? allStarted : started),
        ...counts,
        ...vus,
      };
    });
  });
}

/** The most iterations of a flow running at once, and the most VUs its load kept, in any window. */
function vusOf(name: string, windows: readonly MergedWindow[]): Pick<ReportFlow, 'busyMax' | 'allocatedMax'> {
  const of = windows.map((w) => w.flows?.[name]).filter((c) => c !== undefined);
  const busy = of.filter((c) => c.busy !== undefined).map((c) => c.busy!);
  const allocated = of.filter((c) => c.allocated !== undefined).map((c) => c.allocated!);
  return { ...(busy.length > 0 ? { busyMax: maxOf(busy) } : {}), ...(allocated.length > 0 ? { allocatedMax: maxOf(allocated) } : {}) };
}

/** "flows: browse 80.1% of iterations (80% asked), checkout 19.9% (20%)"; a flow with its own load: "search 120 started (its own: 5 VUs)" */
export function flowsText(flows: readonly ReportFlow[]): string {
  const shared = flows.filter((f) => f.load === undefined);
  const parts = shared.map((f, i) => `${f.name} ${f.startedPct}%${i === 0 ? ' of iterations' : ''} (${f.askedPct}%${i === 0 ? ' asked' : ''})`);
  for (const f of flows.filter((f) => f.load !== undefined)) parts.push(`${f.name} ${f.started} started (${f.load})`);
  return `flows: ${parts.join(', ')}`;
}
