// Finding a run's processes on this machine: each test run gets a TMPDIR of
// its own, which the controller, its agents and their browsers inherit.
import { readdirSync, readFileSync } from 'node:fs';

/** Live processes whose environment holds `TMPDIR=<tmp>`. */
export function processesOfRun(tmp: string): number[] {
  const marker = Buffer.from(`TMPDIR=${tmp}\0`);
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // A zombie is dead already: only its parent's wait is missing.
        if (/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
        return readFileSync(`/proc/${pid}/environ`).includes(marker);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

/** Resolves with how long it took until no process of the run is left; rejects after `timeoutMs`. */
export async function untilNoProcessOfRun(tmp: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (processesOfRun(tmp).length > 0) {
    if (Date.now() - started > timeoutMs) throw new Error(`processes of the run still alive after ${timeoutMs} ms: ${processesOfRun(tmp).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}
