// What browser metrics cost: the reference workload at a fixed VU count with
// collection on and off, in turns (on, off, off, on, ...), so drift of the
// host over the run falls on both alike. Reported as CPU ms per iteration of
// each and their ratio, with each pair's own ratio to show the spread.
import os from 'node:os';
import { cpuMsPerIteration } from './fidelity.js';
import { measureSideBySide, squallNoMetricsRunner, squallRunner } from './runners/squall.js';
import type { MeasureOptions, PointResult } from './runners/types.js';

export interface MetricsCostOptions {
  vus: number;
  rounds: number;
  warmupMs: number;
  measureMs: number;
  /** the reference scenario's think time, when not its own 1 s */
  thinkMs?: number;
  /**
   * On and off at the same time, half the VUs each, every run counting its own
   * agent's CPU: a host whose speed drifts (or whose VM host takes CPU from it)
   * slows both alike, where taking turns leaves each round to its own moment.
   */
  sideBySide?: boolean;
}

interface MetricsCostSide {
  /** host CPU (everything on the machine) per iteration */
  cpuMsPerIteration: number;
  /** the agent's and its browsers' own CPU per iteration: the steadier measure */
  generatorCpuMsPerIteration: number;
  p50: number;
  samples: number;
}

export interface MetricsCostRound {
  on: MetricsCostSide;
  off: MetricsCostSide;
  /** on / off of the generator's CPU per iteration */
  ratio: number;
  hostRatio: number;
}

export interface MetricsCost extends MetricsCostOptions {
  rounds: number;
  pairs: MetricsCostRound[];
  /** mean load-generator CPU ms per iteration over the rounds (agent and browsers) */
  onCpuMs: number;
  offCpuMs: number;
  /** on / off: 1.05 is 5 % more CPU per iteration with collection on */
  ratio: number;
  /** the same from whole-host CPU (noisier: the controller, the target and the rest of the machine too) */
  onHostCpuMs: number;
  offHostCpuMs: number;
  hostRatio: number;
}

/** The reference iteration has three steps. */
const STEPS_PER_ITERATION = 3;

function iterationsIn(result: PointResult): number {
  const iterations = result.stepsInSpan !== undefined ? result.stepsInSpan / STEPS_PER_ITERATION : result.samples;
  return iterations > 0 ? iterations : Number.NaN;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export async function measureMetricsCost(target: string, options: MetricsCostOptions, log: (line: string) => void): Promise<MetricsCost> {
  const cores = os.cpus().length;
  const summary = (result: PointResult): MetricsCostSide => ({
    cpuMsPerIteration: cpuMsPerIteration(result, options.measureMs, cores),
    // Iterations as steps / 3: a span cuts iterations at its edges, steps three times finer.
    generatorCpuMsPerIteration: (result.generatorCpuMs ?? Number.NaN) / iterationsIn(result),
    p50: result.p50,
    samples: result.samples,
  });
  const pairs: MetricsCostRound[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const [on, off] = options.sideBySide ? await sideBySide(target, options, summary) : await inTurns(target, options, round, summary);
    const pair = { on, off, ratio: on.generatorCpuMsPerIteration / off.generatorCpuMsPerIteration, hostRatio: on.cpuMsPerIteration / off.cpuMsPerIteration };
    pairs.push(pair);
    log(
      `  metrics cost, round ${round + 1}/${options.rounds} at ${options.vus} VUs${options.sideBySide ? ' (side by side)' : ''}: agent+browsers on ${on.generatorCpuMsPerIteration.toFixed(1)} / off ${off.generatorCpuMsPerIteration.toFixed(1)} CPU ms/iteration (${pair.ratio.toFixed(3)}x); ` +
        `host ${on.cpuMsPerIteration.toFixed(1)} / ${off.cpuMsPerIteration.toFixed(1)} (${pair.hostRatio.toFixed(3)}x); p50 ${on.p50.toFixed(1)} / ${off.p50.toFixed(1)} ms`,
    );
  }
  const onCpuMs = mean(pairs.map((p) => p.on.generatorCpuMsPerIteration));
  const offCpuMs = mean(pairs.map((p) => p.off.generatorCpuMsPerIteration));
  const onHostCpuMs = mean(pairs.map((p) => p.on.cpuMsPerIteration));
  const offHostCpuMs = mean(pairs.map((p) => p.off.cpuMsPerIteration));
  return { ...options, pairs, onCpuMs, offCpuMs, ratio: onCpuMs / offCpuMs, onHostCpuMs, offHostCpuMs, hostRatio: onHostCpuMs / offHostCpuMs };
}

type Summary = (result: PointResult) => MetricsCostSide;

function measureOptions(target: string, options: MetricsCostOptions, vus: number): MeasureOptions {
  return { vus, target, warmupMs: options.warmupMs, measureMs: options.measureMs, ...(options.thinkMs !== undefined ? { thinkMs: options.thinkMs } : {}) };
}

/** On, then off (or off, then on in odd rounds, so a trend over the run does not favour one). */
async function inTurns(target: string, options: MetricsCostOptions, round: number, summary: Summary): Promise<[MetricsCostSide, MetricsCostSide]> {
  const measure = async (runner: typeof squallRunner) => summary(await runner.measure(measureOptions(target, options, options.vus)));
  const first = round % 2 === 0 ? squallRunner : squallNoMetricsRunner;
  const second = first === squallRunner ? squallNoMetricsRunner : squallRunner;
  const a = await measure(first);
  const b = await measure(second);
  return first === squallRunner ? [a, b] : [b, a];
}

/** Both at once, half the VUs each; host CPU is then shared, so only the agents' own CPU tells them apart. */
async function sideBySide(target: string, options: MetricsCostOptions, summary: Summary): Promise<[MetricsCostSide, MetricsCostSide]> {
  const [on, off] = await measureSideBySide(measureOptions(target, options, Math.max(1, Math.round(options.vus / 2))));
  return [summary(on), summary(off)];
}
