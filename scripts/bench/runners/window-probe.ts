// Host CPU and browser memory over a measurement window that starts at a
// given instant: CPU from its start to its end, PSS sampled at a quarter, half
// and three quarters of it, the largest kept (one reading can miss the
// browsers: /proc is read while processes come and go).
import { browserPssMb, cpuPercent, cpuTicks, treeCpuMs, treeCpuTicks } from '../system.js';

export interface WindowProbe {
  /** generatorCpuMs: CPU of this process's children but the target (the agent and its browsers, or a baseline's browsers) */
  done: Promise<{ hostCpuPct: number; browserPssMb: number; browserProcesses: number; generatorCpuMs: number }>;
}

/** The benchmark's target runs as a child too: its CPU is the site's, not the load generator's. */
const TARGET = /demo-shop/;

/**
 * `agents`: count only these processes and their descendants as the generator
 * (two runs measured side by side), instead of every child of this process but the target.
 */
export function probeWindow(startAt: number, measureMs: number, agents?: readonly number[]): WindowProbe {
  const generatorTicks = () => {
    if (!agents) return treeCpuTicks(process.pid, TARGET);
    return new Map(agents.flatMap((pid) => [...treeCpuTicks(pid, TARGET, true)]));
  };
  return {
    done: new Promise((resolve) => {
      setTimeout(() => {
        const from = cpuTicks();
        const treeFrom = generatorTicks();
        let pss = { mb: 0, processes: 0 };
        const samplers = [0.25, 0.5, 0.75].map((at) =>
          setTimeout(() => {
            const reading = browserPssMb();
            if (reading.mb > pss.mb) pss = reading;
          }, measureMs * at),
        );
        setTimeout(
          () => {
            samplers.forEach(clearTimeout);
            resolve({
              hostCpuPct: cpuPercent(from, cpuTicks()),
              browserPssMb: pss.mb,
              browserProcesses: pss.processes,
              generatorCpuMs: treeCpuMs(treeFrom, generatorTicks()),
            });
          },
          measureMs,
        );
      }, Math.max(0, startAt - Date.now()));
    }),
  };
}
