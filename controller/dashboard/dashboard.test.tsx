import { renderToString } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { mergeAgentWindows, StepTable } from '../../src/metrics/merge.js';
import { formatMs } from '../format.js';
import { visibleLength } from './chart.js';
import { Dashboard } from './Dashboard.js';
import { fixtureSnapshot, fixtureWindows } from './fixtures.js';
import { LiveDashboard } from './live.js';
import { crossedThresholds } from './snapshot.js';
import { RunTotals } from '../report/run-totals.js';
import { bucketWindows } from '../buckets.js';
import { agentRows, browserPanelView, chartsView, flowsLine, headerView, stepRows } from './view-model.js';
import { WindowAggregator } from '../../src/metrics/window.js';

function frame(windows: number, width: number, height: number, scope: 'window' | 'run' = 'window'): string[] {
  return renderToString(<Dashboard snapshot={fixtureSnapshot(windows)} scope={scope} width={width} height={height} />, { columns: width }).split('\n');
}

describe('dashboard view models', () => {
  it('step rows give the last complete window\'s numbers, or the whole run\'s', () => {
    const snapshot = fixtureSnapshot(20);
    const last = snapshot.windows.at(-1)!;
    const table = new StepTable();
    table.add(last.steps);
    const [home, cart] = stepRows(snapshot, 'window');
    expect(home).toMatchObject({ name: 'home', count: '10', rate: '2.0', p95: formatMs(table.get('home').percentile(0.95)), errors: '0', pass: '100.0%' });
    expect(cart!.name).toBe('add to cart');
    const run = stepRows(snapshot, 'run');
    expect(run[0]!.count).toBe('200');
    const failed = snapshot.windows.reduce((sum, w) => sum + (w.steps['add to cart']?.failed ?? 0), 0);
    expect(run[1]!.errors).toBe(String(failed));
  });

  it('downsamples long runs by merging windows, keeping every window', () => {
    const windows = fixtureWindows(500);
    const buckets = bucketWindows(windows, 70);
    expect(buckets.length).toBeLessThanOrEqual(70);
    expect(buckets.flat()).toHaveLength(500);
    const view = chartsView(windows, 70);
    expect(view.windowsPerPoint).toBe(8);
    expect(view.p95[0]!.values).toHaveLength(buckets.length);
    // Merged, not averaged: a bucket's p95 is that of all its samples together.
    const merged = new StepTable();
    for (const w of buckets[3]!) merged.add(w.steps);
    expect(view.p95[0]!.values[3]).toBe(merged.get('home').percentile(0.95));
  });

  it('marks lost agents and saturated agents', () => {
    const rows = agentRows(fixtureSnapshot(5));
    expect(rows[0]).toMatchObject({ host: '10.0.1.12', state: 'running', vus: '6/6', cpu: '61%', saturated: false });
    expect(rows[1]).toMatchObject({ host: '10.0.1.13', state: 'lost', vus: '0/4', cpu: '93%', saturated: true });
  });

  it('shows a host whose link dropped and came back, and says nothing for the others', () => {
    const snapshot = fixtureSnapshot(5);
    snapshot.agents[0]!.reconnects = 2;
    expect(agentRows(snapshot).map((row) => row.link)).toEqual(['reconnected 2x', '']);
    const lines = renderToString(<Dashboard snapshot={snapshot} scope="window" width={120} height={40} />, { columns: 120 }).split('\n');
    expect(lines.find((line) => line.startsWith('10.0.1.12'))).toMatch(/reconnected 2x$/);
  });

  it('the header tells target and active VUs, time and stage', () => {
    const view = headerView(fixtureSnapshot(20));
    expect(view).toMatchObject({ vus: 'VUs 6/10', time: '1m41s / 4h1m', stage: 'stage 2/2' });
    expect(headerView(fixtureSnapshot(0, { t0: undefined })).stage).toBe('preparing agents');
  });

  it('the header of an arrival-rate run tells busy and kept VUs, the rate started against the rate asked, and the drops', () => {
    const plan = { model: 'arrival' as const, perMs: 1000, startRate: 2, stages: [{ durationMs: 600_000, rate: 2 }], distribution: 'uniform' as const, seed: 1, preAllocatedVus: 4, maxVus: 20, gracefulStopMs: 0 };
    const snapshot = fixtureSnapshot(4, { plan });
    // The fixture starts 10 iterations per 5 s window: 2/s, as asked; two windows dropped some.
    snapshot.windows = snapshot.windows.map((w, i) => ({ ...w, iterations: { ...w.iterations, dropped: i === 1 ? 3 : i === 2 ? 2 : 0 }, vus: { ...w.vus, allocated: 5 + i } }));
    expect(headerView(snapshot).vus).toBe('VUs 6 busy/8 kept  starts 2.0/s of 2/s  5 dropped');
    expect(headerView({ ...snapshot, t0: undefined, windows: [] }).vus).toBe('VUs 6 busy/4 kept  starts 2/s asked  0 dropped');
  });
});

describe('browser panel', () => {
  it('ranks request labels by TTFB p95, counts error statuses and shows vitals p75 with their bands', () => {
    const view = browserPanelView(fixtureSnapshot(20), 2)!;
    expect(view.rows.map((r) => r.label)).toEqual(['http://shop/api/cart', 'http://shop/api/products']);
    expect(view.labels).toBe(3);
    const failures = fixtureSnapshot(20).windows.reduce((sum, w) => sum + (w.requests?.['http://shop/api/cart']?.statuses['5xx'] ?? 0), 0);
    expect(failures).toBeGreaterThan(0);
    expect(view.rows[0]).toMatchObject({ count: '200', errors: String(failures), failing: true });
    expect(view.statuses).toBe(`2xx ${600 - failures}  5xx ${failures}`);
    expect(view.vitals.map((v) => v.text.split(' ')[0])).toEqual(['LCP', 'FCP', 'CLS', 'TTFB']);
    expect(view.vitals[0]!.band).toBe('needs-improvement');
  });

  it('is absent for a run without browser metrics, and drawn in the frame when there are', () => {
    const plain = fixtureSnapshot(5);
    for (const w of plain.windows) {
      delete w.requests;
      delete w.pageViews;
    }
    expect(browserPanelView(plain, 5)).toBeUndefined();
    const lines = frame(20, 140, 50);
    expect(lines.some((l) => /request .*ttfb p95↓/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('vitals p75: LCP'))).toBe(true);
  });
});

describe('threshold events', () => {
  it('names ceilings the run is over now, not floors it has yet to reach', () => {
    const totals = new RunTotals();
    for (const window of fixtureWindows(10)) totals.add(window);
    const spec = (target: string, expression: string) => ({ target, expression, source: 'scenario' as const });
    const crossed = crossedThresholds(
      totals,
      [spec('step:home', 'p95 < 100'), spec('step:home', 'p95 < 10s'), spec('iterations', 'completed > 1000'), spec('step:add to cart', 'failed < 1%')],
      50_000,
    );
    expect(crossed).toHaveLength(2);
    expect(crossed[0]).toMatch(/^threshold crossed: step:home: p95 < 100 \(p95 was \d+(\.\d+)?ms\)$/);
    expect(crossed[1]).toMatch(/^threshold crossed: step:add to cart: failed < 1% \(failed was [\d.]+%\)$/);
  });
});

describe('Dashboard component', () => {
  it('shows the run, the step numbers, a lost agent and the events', () => {
    const text = frame(20, 100, 40).join('\n');
    expect(text).toContain('squall 20261122-101500-ab12  "demo shop"');
    expect(text).toMatch(/^home\s+10\s+2\.0\s+\d+ms\s+\d+ms\s+\d+ms\s+100\.0%\s+0$/m);
    expect(text).toMatch(/^10\.0\.1\.13\s+lost\s+0\/4\s+93%/m);
    expect(text).toMatch(/^10\.0\.1\.13 .* SATURATED$/m);
    expect(text).toContain('agent 10.0.1.13 lost: no connection for 15s');
    expect(text).toMatch(/top errors: TimeoutError x\d+/);
  });

  it.each([1, 500])('draws the charts for %i window(s)', (windows) => {
    const text = frame(windows, 120, 40).join('\n');
    expect(text).toContain('p95 response time');
    expect(text).toContain('active VUs');
    expect(text).toContain('throughput (steps/s)');
    expect(text).toContain('errors (%)');
    expect(text.split('┤').length).toBeGreaterThan(10);
    if (windows === 500) expect(text).toMatch(/\(\d+ windows per point\)/);
  });

  it.each([
    [80, 24],
    [200, 50],
    [100, 12],
  ])('fits a %ix%i terminal: no line wider, one line spare', (width, height) => {
    const lines = frame(300, width, height);
    expect(lines.length).toBeLessThanOrEqual(height - 1);
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(width);
  });

  it('tab toggles the table between the last window and the whole run; q asks to stop', async () => {
    const onInterrupt = vi.fn();
    const snapshot = fixtureSnapshot(20);
    const ui = render(<LiveDashboard snapshot={() => snapshot} onInterrupt={onInterrupt} refreshMs={50} />);
    expect(ui.lastFrame()).toContain('step · window');
    ui.stdin.write('\t');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('step · run'));
    expect(ui.lastFrame()).toMatch(/^home\s+200\s/m);
    ui.stdin.write('q');
    await vi.waitFor(() => expect(onInterrupt).toHaveBeenCalledWith('q'));
    ui.stdin.write('\u0003');
    await vi.waitFor(() => expect(onInterrupt).toHaveBeenLastCalledWith('ctrl-c'));
    ui.unmount();
  });
});

describe('flows line', () => {
  function flowSnapshot() {
    const t0 = 1_800_000_000_000;
    const agg = new WindowAggregator(5000, t0, true);
    agg.flowAllocatedChanged('checkout', 3, t0);
    for (let i = 0; i < 10; i += 1) {
      agg.iterationStarted(t0 + i * 500, 'checkout');
      agg.iterationEnded(t0 + i * 500 + 100, true, 'checkout');
    }
    agg.iterationDropped(t0 + 4000, 'checkout');
    for (let i = 0; i < 30; i += 1) agg.iterationStarted(t0 + i * 160, 'browse');
    const windows = agg.takeAll(t0 + 5500, () => ({ hostCpuPct: 1, agentCpuPct: 1, agentRssMb: 1, hostMemUsedPct: 1, loopLagMs: 1 })).map((w) => mergeAgentWindows([w]));
    const plan = {
      model: 'flows' as const,
      gracefulStopMs: 0,
      loads: [
        { startVus: 2, stages: [{ durationMs: 60_000, target: 2 }], gracefulStopMs: 0, flows: [{ name: 'browse', weight: 1 }] },
        { model: 'arrival' as const, perMs: 1000, startRate: 2, stages: [{ durationMs: 60_000, rate: 2 }], distribution: 'uniform' as const, seed: 1, preAllocatedVus: 2, maxVus: 6, gracefulStopMs: 0, flows: [{ name: 'checkout', weight: 1 }] },
      ],
    };
    return fixtureSnapshot(0, { t0, now: t0 + 6000, plan, windows });
  }

  it("gives each flow's start rate (against its own rate asked), running iterations, kept VUs and drops", () => {
    expect(flowsLine(flowSnapshot())).toBe('flows  browse 6.0/s 30 busy  ·  checkout 2.0/s of 2/s 0 busy/3 kept 1 dropped');
    expect(flowsLine(fixtureSnapshot(3))).toBeUndefined();
  });

  it('is on the dashboard under the header, whose stage is the flow loads\' running or finishing', () => {
    const snapshot = flowSnapshot();
    const lines = renderToString(<Dashboard snapshot={snapshot} scope="window" width={120} height={40} />, { columns: 120 }).split('\n');
    expect(lines[2]).toContain('flows  browse 6.0/s');
    expect(headerView(snapshot)).toMatchObject({ stage: 'steady', vus: expect.stringMatching(/^VUs \d+ busy\/\d+ kept {2}1 dropped$/) });
    expect(headerView({ ...snapshot, now: snapshot.t0! + 61_000 }).stage).toBe('finishing');
  });
});
