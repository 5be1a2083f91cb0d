// What browser metrics cost: the reference workload at a fixed VU count with
// collection on and off, in turns (on, off, off, on, ...), so drift of the
// host over the run falls on both alike. Reported as CPU ms per iteration of
// each and their ratio, with each pair's own ratio to show the spread.
import os from 'node:os';
import { cpuMsPerIteration } from './fidelity.js';
import { squallNoMetricsRunner, squallRunner } from './runners/squall.js';
import type { PointResult } from './runners/types.js';

export interface MetricsCostOptions {
  vus: number;
  rounds: number;
  warmupMs: number;
  measureMs: number;
}

export interface MetricsCostRound {
  on: { cpuMsPerIteration: number; p50: number; samples: number };
  off: { cpuMsPerIteration: number; p50: number; samples: number };
  ratio: number;
}

export interface MetricsCost extends MetricsCostOptions {
  rounds: number;
  pairs: MetricsCostRound[];
  /** mean CPU ms per iteration over the rounds */
  onCpuMs: number;
  offCpuMs: number;
  /** on / off: 1.05 is 5 % more CPU per iteration with collection on */
  ratio: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export async function measureMetricsCost(target: string, options: MetricsCostOptions, log: (line: string) => void): Promise<MetricsCost> {
  const cores = os.cpus().length;
  const summary = (result: PointResult) => ({ cpuMsPerIteration: cpuMsPerIteration(result, options.measureMs, cores), p50: result.p50, samples: result.samples });
  const pairs: MetricsCostRound[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const measure = async (runner: typeof squallRunner) => summary(await runner.measure({ vus: options.vus, target, warmupMs: options.warmupMs, measureMs: options.measureMs }));
    // Alternate which goes first, so a trend over the run does not favour one.
    const first = round % 2 === 0 ? squallRunner : squallNoMetricsRunner;
    const second = first === squallRunner ? squallNoMetricsRunner : squallRunner;
    const a = await measure(first);
    const b = await measure(second);
    const [on, off] = first === squallRunner ? [a, b] : [b, a];
    const pair = { on, off, ratio: on.cpuMsPerIteration / off.cpuMsPerIteration };
    pairs.push(pair);
    log(`  metrics cost, round ${round + 1}/${options.rounds} at ${options.vus} VUs: on ${on.cpuMsPerIteration.toFixed(1)} / off ${off.cpuMsPerIteration.toFixed(1)} CPU ms/iteration (${pair.ratio.toFixed(3)}x), p50 ${on.p50.toFixed(1)} / ${off.p50.toFixed(1)} ms`);
  }
  const onCpuMs = mean(pairs.map((p) => p.on.cpuMsPerIteration));
  const offCpuMs = mean(pairs.map((p) => p.off.cpuMsPerIteration));
  return { ...options, pairs, onCpuMs, offCpuMs, ratio: onCpuMs / offCpuMs };
}
