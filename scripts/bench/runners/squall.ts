// squall itself: the local agent (a child process with one headless shell and
// a context per VU), driven through runLoadTest like `squall run` does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadTest } from '../../../controller/run.js';
import { RunStore } from '../../../controller/store/store.js';
import { memoryIo } from '../../../src/cli/io.js';
import { REFERENCE_SCENARIO } from '../../../src/paths.js';
import { StepTable } from '../../../src/metrics/merge.js';
import { FIDELITY_STEP, type MeasureOptions, type PointResult, type Runner } from './types.js';
import { probeWindow, type WindowProbe } from './window-probe.js';

export const squallRunner: Runner = {
  name: 'squall',
  describe: 'squall agent: one headless shell, a context per VU',
  async measure({ vus, target, warmupMs, measureMs }: MeasureOptions): Promise<PointResult> {
    const dir = mkdtempSync(join(tmpdir(), 'squall-bench-'));
    let probe: WindowProbe | undefined;
    let t0 = 0;
    try {
      const outcome = await runLoadTest(
        {
          scenario: REFERENCE_SCENARIO,
          flags: { vus, duration: `${Math.ceil((warmupMs + measureMs) / 1000) + 2}s` },
          env: { TARGET: target },
          window: '1s',
          out: join(dir, 'out'),
          db: join(dir, 'runs.db'),
          dashboard: false,
          ...(process.env.BENCH_BROWSERS ? { browsersPerAgent: Number(process.env.BENCH_BROWSERS) } : {}),
          onStarted: (start) => {
            t0 = start;
            probe = probeWindow(start + warmupMs, measureMs);
          },
        },
        memoryIo(),
      );
      const system = await probe!.done;
      const store = RunStore.open(outcome.dbPath);
      try {
        // Windows are 1 s multiples of the wall clock: the span starts at the first edge after the warm-up.
        const from = Math.ceil((t0 + warmupMs) / 1000) * 1000;
        const windows = store.mergedWindows(outcome.runId).filter((w) => w.windowStart >= from && w.windowStart + w.windowMs <= from + measureMs);
        const table = new StepTable();
        for (const window of windows) table.add(window.steps);
        const step = table.get(FIDELITY_STEP);
        return {
          vus,
          p50: step.percentile(0.5),
          p95: step.percentile(0.95),
          samples: step.count,
          failedPct: step.count > 0 ? (100 * step.failed) / step.count : 0,
          ...system,
        };
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
