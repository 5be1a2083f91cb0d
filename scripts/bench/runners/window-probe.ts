// Host CPU and browser memory over a measurement window that starts at a
// given instant: CPU from its start to its end, PSS sampled in its middle.
import { browserPssMb, cpuPercent, cpuTicks } from '../system.js';

export interface WindowProbe {
  done: Promise<{ hostCpuPct: number; browserPssMb: number; browserProcesses: number }>;
}

export function probeWindow(startAt: number, measureMs: number): WindowProbe {
  return {
    done: new Promise((resolve) => {
      setTimeout(() => {
        const from = cpuTicks();
        let pss = { mb: 0, processes: 0 };
        setTimeout(() => (pss = browserPssMb()), measureMs / 2);
        setTimeout(() => resolve({ hostCpuPct: cpuPercent(from, cpuTicks()), browserPssMb: pss.mb, browserProcesses: pss.processes }), measureMs);
      }, Math.max(0, startAt - Date.now()));
    }),
  };
}
