// The harness's price, side by side in one command: the same shop flow
// (browse, think, order with a slow server) run by each runner in turn at the
// same VU counts, and the whole machine's CPU per order the shop counted.
//   floor       the page drives itself: one headless shell with squall's flags,
//               a context per VU, the flow run by the page's own script in a frame;
//               nothing drives it from outside (what Chromium alone spends)
//   squall      `squall run` of scripts/bench/shop-order.scenario.ts (local agent)
//   squall-off  the same with browser metrics off
//   competent   a plain puppeteer-core loop on one headless shell, a context per VU
//   artillery   Artillery 2.0.21's Playwright engine (scripts/bench/artillery/), where
//               ARTILLERY_DIR names a folder with it installed
// The shop runs in this process for every runner alike; its CPU is in every figure.
// Run: npx tsx scripts/bench/side-by-side.ts [--vus 4,12] [--warmup 8] [--measure 20] [--rounds 1] [--only floor,squall,...] [--out file.json]
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { cpuTicks, processes, ticksToMs, treeCpuMs } from './system.js';
import { ORDER_DELAY_MS, SIDE_BY_SIDE_RUNNERS, THINK_MS, type OrderRun } from './side-by-side-runners.js';
import { argument } from './cli-args.js';

const vuCounts = argument('--vus', '4,12').split(',').map(Number);
const warmupMs = Number(argument('--warmup', '8')) * 1000;
const measureMs = Number(argument('--measure', '20')) * 1000;
const rounds = Number(argument('--rounds', '1'));
const only = process.argv.includes('--only') ? argument('--only', '').split(',') : undefined;
const runners = SIDE_BY_SIDE_RUNNERS.filter((runner) => (only ? only.includes(runner.name) : runner.available()));

interface Measured {
  runner: string;
  vus: number;
  round: number;
  orders: number;
  cpuMs: number;
  cpuMsPerOrder: number;
  ordersPerSecond: number;
  /** CPU ms per order by kind of process (Chromium's browser and renderers, the agent, this process: the shop and the in-process loops) */
  split: Record<string, number>;
}

/** What kind of process a command line is, for the CPU split. */
function processKind(pid: number, cmdline: string): string {
  if (pid === process.pid) return 'bench (shop, loops)';
  if (/chrom/i.test(cmdline.split(' ')[0] ?? '')) {
    const type = /--type=(\S+)/.exec(cmdline)?.[1];
    return type ? `chromium ${type}` : 'chromium browser';
  }
  if (cmdline.includes('agent.mjs')) return 'squall agent';
  return 'other';
}

/** Every process's CPU ticks by pid, and by kind of process. */
function ticksByKind(): { all: Map<number, number>; kinds: Map<string, Map<number, number>> } {
  const all = new Map<number, number>();
  const kinds = new Map<string, Map<number, number>>();
  for (const { pid, cmdline, ticks } of processes()) {
    all.set(pid, ticks);
    const kind = processKind(pid, cmdline);
    if (!kinds.has(kind)) kinds.set(kind, new Map());
    kinds.get(kind)!.set(pid, ticks);
  }
  return { all, kinds };
}

/** The machine's busy CPU and the shop's orders between two instants. */
function spanMeter(app: DemoApp): { start(): void; stop(): { orders: number; cpuMs: number; split: Record<string, number> } } {
  const orders = () => app.stats()['POST /api/cart']?.hits ?? 0;
  let from: { busy: number; orders: number; processes: Map<number, number> } | undefined;
  return {
    start: () => (from = { busy: cpuTicks().busy, orders: orders(), processes: ticksByKind().all }),
    stop: () => {
      if (!from) throw new Error('the span ended before it started');
      const ordered = orders() - from.orders;
      const split: Record<string, number> = {};
      for (const [kind, ticks] of ticksByKind().kinds) split[kind] = treeCpuMs(from.processes, ticks) / Math.max(1, ordered);
      return { orders: ordered, cpuMs: ticksToMs(cpuTicks().busy - from.busy), split };
    },
  };
}

const app = await startDemoApp({ latencyMs: { 'GET /api/products': 0, 'POST /api/cart': ORDER_DELAY_MS } });
const results: Measured[] = [];
try {
  console.error(`side by side: ${runners.map((r) => r.name).join(', ')} at ${vuCounts.join(', ')} VUs, ${warmupMs / 1000} s warm-up, ${measureMs / 1000} s measured, ${rounds} round(s), ${cpus().length} cores`);
  for (let round = 0; round < rounds; round++) {
    for (const vus of vuCounts) {
      for (const runner of runners) {
        const meter = spanMeter(app);
        const run: OrderRun = { target: app.url, vus, thinkMs: THINK_MS, warmupMs, measureMs };
        let measured: ReturnType<ReturnType<typeof spanMeter>['stop']> | undefined;
        await runner.run(run, {
          // The runner calls these when its VUs have run for the warm-up, and measureMs later.
          spanStarts: () => meter.start(),
          spanEnds: () => (measured = meter.stop()),
        });
        if (!measured || measured.orders === 0) throw new Error(`${runner.name} at ${vus} VUs: no orders in the measured span`);
        const row = { runner: runner.name, vus, round, ...measured, cpuMsPerOrder: measured.cpuMs / measured.orders, ordersPerSecond: measured.orders / (measureMs / 1000) };
        results.push(row);
        const split = Object.entries(row.split).filter(([, ms]) => ms >= 0.5).sort((a, b) => b[1] - a[1]).map(([kind, ms]) => `${kind} ${ms.toFixed(1)}`).join(', ');
        console.error(`  ${runner.name.padEnd(10)} ${String(vus).padStart(3)} VUs  ${row.orders} orders (${row.ordersPerSecond.toFixed(1)}/s)  ${row.cpuMsPerOrder.toFixed(1)} CPU ms/order (${split})`);
      }
    }
  }
} finally {
  await app.close();
}

console.log(sideBySideTable(results));
const out = process.argv.includes('--out') ? argument('--out', '') : undefined;
if (out) writeFileSync(out, JSON.stringify({ schema: 'squall.side-by-side/v1', thinkMs: THINK_MS, orderDelayMs: ORDER_DELAY_MS, warmupMs, measureMs, rounds, cores: cpus().length, results }, null, 2));

/** Machine CPU ms per order, the median over rounds, per VU count and runner; squall's ratios to the floor and the competent loop. */
export function sideBySideTable(rows: readonly Measured[]): string {
  const names = [...new Set(rows.map((r) => r.runner))];
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const cell = (runner: string, vus: number) => {
    const mine = rows.filter((r) => r.runner === runner && r.vus === vus);
    return mine.length > 0 ? median(mine.map((r) => r.cpuMsPerOrder)) : Number.NaN;
  };
  const lines = [`CPU ms per order (whole machine, median of ${rounds} round(s)); orders per second in brackets`];
  lines.push(['VUs', ...names, 'squall/floor', 'squall/competent'].join(' | '));
  for (const vus of [...new Set(rows.map((r) => r.vus))]) {
    const perSecond = (runner: string) => median(rows.filter((r) => r.runner === runner && r.vus === vus).map((r) => r.ordersPerSecond));
    const ratio = (other: string) => {
      const value = cell('squall', vus) / cell(other, vus);
      return Number.isFinite(value) ? `${value.toFixed(2)}x` : '-';
    };
    lines.push([String(vus), ...names.map((name) => `${cell(name, vus).toFixed(1)} (${perSecond(name).toFixed(1)}/s)`), ratio('floor'), ratio('competent')].join(' | '));
  }
  return lines.join('\n');
}
