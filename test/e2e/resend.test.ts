// At-least-once delivery: the agent's link to the hub is cut after a window
// was committed but before its ack; the agent reconnects and resends; the
// store's upsert keeps the final counts exact.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/io.js';
import type { RunOutcome } from '../../controller/run/request.js';
import { executeRun, withPreparedRun } from '../../controller/run/run.js';
import { localSite } from '../../controller/sites/local.js';
import { LinkCutter } from '../harness/link-cutter.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture } from '../harness/cli.js';

describe('a WebSocket dropped mid-run', () => {
  let app: DemoApp;
  let outcome: RunOutcome;
  const drops: number[] = [];
  const io = memoryIo();

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 100, 'POST /api/cart': 50 }, cartErrorRate: 0.2 });
    const dir = mkdtempSync(join(tmpdir(), 'squall-resend-'));
    let windows = 0;
    const cutter = new LinkCutter();
    const request = {
      scenario: fixture('shop.scenario.ts'),
      flags: { vus: 2, duration: '9s' },
      env: { TARGET: app.url },
      window: '1s',
      out: join(dir, 'out'),
      db: join(dir, 'runs.db'),
    };
    outcome = await withPreparedRun(request, io, (prepared) =>
      executeRun(prepared, io, {
        openSites: async (run) => ({ sites: [cutter.wrap(localSite(run.request.browserPath))], excluded: [] }),
        hooks: {
          windowCommitted: (agentId, seq) => {
            windows += 1;
            // Twice, mid-run: after the 3rd and the 7th committed window, before their acks.
            if (windows === 3 || windows === 7) {
              drops.push(seq);
              cutter.cut(agentId);
            }
          },
        },
      }),
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  it('resends the unacked windows, which are stored once', () => {
    expect(drops).toHaveLength(2);
    expect(outcome.resentWindows).toBeGreaterThanOrEqual(2);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report.agents[0]).toMatchObject({ status: 'done', windows: outcome.report.series.length });
  });

  it('still reconciles exactly with the app\'s hit counter', () => {
    const cart = app.stats()['POST /api/cart']!;
    const step = outcome.report.steps.find((s) => s.name === 'add to cart')!;
    expect(cart.hits).toBeGreaterThan(5);
    expect(step.count).toBe(cart.hits);
    expect(step.failed).toBe(cart.errors);
    const home = outcome.report.steps.find((s) => s.name === 'home')!;
    expect(home.count).toBe(app.stats()['GET /api/products']!.hits);
  });
});
