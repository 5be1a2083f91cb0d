// Folding a long run's windows into spans: totals, failures and percentiles
// are exactly what the windows give; VUs and agents are their most; the
// series has at most the limit's points; a short run keeps its windows.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import type { WindowBody } from '../protocol/messages.js';
import type { MergedWindow } from '../protocol/merged.js';
import { AgentTally, SpanFolder, agentSpan, mergedSpan, spanFactor } from './coarsen.js';
import { mergeByInterval, StepTable } from './merge.js';

function agentWindows(count: number, agent: number): WindowBody[] {
  return Array.from({ length: count }, (_, i) => windowOf(i * 1000, 1000, [100 + ((i * 37 + agent * 11) % 400), ...(i % 7 === 0 ? [-1] : [])], 1 + ((i + agent) % 3)));
}

function fold<T extends WindowBody | MergedWindow>(windows: readonly T[], factor: number, build: (span: never) => T): T[] {
  const out: T[] = [];
  const folder = new SpanFolder<T>(0, 1000, factor, build as never, (w) => out.push(w));
  windows.forEach((w) => folder.add(w));
  folder.flush();
  return out;
}

describe('coarsening a long run', () => {
  it('keeps totals and percentiles exact, VUs at their most, and at most the limit of points', () => {
    const a = agentWindows(1000, 0);
    const b = agentWindows(1000, 1);
    const merged = mergeByInterval([...a, ...b]);
    const factor = spanFactor(merged.length, 64);
    expect(factor).toBe(16);
    const spans = fold(merged, factor, mergedSpan as never);
    expect(spans).toHaveLength(Math.ceil(1000 / 16));
    const table = (windows: ReadonlyArray<{ steps: WindowBody['steps'] }>) => {
      const t = new StepTable();
      windows.forEach((w) => t.add(w.steps));
      return t.get('home');
    };
    const [exact, coarse] = [table(merged), table(spans)];
    expect([coarse.count, coarse.failed, coarse.percentile(0.5), coarse.percentile(0.99), coarse.maxMs]).toEqual([exact.count, exact.failed, exact.percentile(0.5), exact.percentile(0.99), exact.maxMs]);
    expect(spans[0]!.windowMs).toBe(16_000);
    expect(Math.max(...spans.map((s) => s.vus.max))).toBe(Math.max(...merged.map((m) => m.vus.max)));
    expect(spans.every((s) => s.agents === 2)).toBe(true);
    expect(spans.reduce((n, s) => n + s.iterations.started, 0)).toBe(merged.reduce((n, m) => n + m.iterations.started, 0));
  });

  it("folds an agent's windows the same way and tallies each of them", () => {
    const windows = agentWindows(300, 2).map((w, i) => ({ ...w, saturated: i % 50 === 0, resources: { ...w.resources, hostCpuPct: i === 123 ? 97 : 20 } }));
    const tally = new AgentTally();
    windows.forEach((w) => tally.add(w));
    const spans = fold(windows, 10, agentSpan as never);
    expect(spans).toHaveLength(30);
    expect([tally.windows, tally.saturatedWindows, tally.cpuMax, tally.lastEnd]).toEqual([300, 6, 97, 300_000]);
    expect(spans.filter((s) => s.saturated)).toHaveLength(6);
    expect(Math.max(...spans.map((s) => s.resources.hostCpuPct))).toBeCloseTo((97 + 9 * 20) / 10);
  });

  it("sums a flow's iterations over a span and keeps its most busy and kept VUs", () => {
    const flowWindows = [2, 5, 3].map((busy, i) => ({ ...windowOf(i * 1000, 1000, [10], 5), flows: { checkout: { started: 1, completed: 1, failed: 0, busy, allocated: busy + 1 } } }));
    const [span] = fold(flowWindows, 3, agentSpan as never);
    expect(span!.flows).toEqual({ checkout: { started: 3, completed: 3, failed: 0, busy: 5, allocated: 6 } });
    const withoutBusy = fold(flowWindows.map((w) => ({ ...w, flows: { checkout: { started: 1, completed: 1, failed: 0 } } })), 3, agentSpan as never);
    expect(withoutBusy[0]!.flows).toEqual({ checkout: { started: 3, completed: 3, failed: 0 } });
  });

  it('leaves a run under the limit as it is', () => {
    const windows = agentWindows(20, 0);
    expect(spanFactor(20)).toBe(1);
    expect(fold(windows, 1, agentSpan as never)).toEqual(windows);
  });
});
