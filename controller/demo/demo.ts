// squall demo: the demo shop on loopback and a short real test against it,
// reconciled with the shop's own counters; or, serving only, the shop for
// the user's own runs until Ctrl-C.
import type { Io } from '../../src/io.js';
import { DEMO_SCENARIO, shownPath } from '../paths.js';
import { runLoadTest } from '../run/run.js';
import { startDemoApp } from './server.js';

export interface DemoRequest {
  port?: number;
  vus: number;
  duration: string;
  window: string;
  cartErrorRate: number;
  out?: string;
  db?: string;
  browserPath?: string;
  dashboard?: boolean;
}

/** Resolves on Ctrl-C. */
export async function serveDemoShop(options: { port?: number; cartErrorRate: number }, io: Io): Promise<void> {
  const app = await startDemoApp({ cartErrorRate: options.cartErrorRate, ...(options.port ? { port: options.port } : {}) });
  try {
    io.out(`demo shop at ${app.url} (hit counts at ${app.url}/__stats); Ctrl-C to stop\n`);
    io.out(`try: squall run ${shownPath(io.cwd, DEMO_SCENARIO)} --env TARGET=${app.url}\n`);
    await new Promise<void>((resolve) => {
      const off = io.onInterrupt(() => {
        off();
        resolve();
      });
    });
  } finally {
    await app.close();
  }
}

/** Resolves to the run's exit code. */
export async function runDemo(request: DemoRequest, io: Io): Promise<number> {
  const app = await startDemoApp({ cartErrorRate: request.cartErrorRate, ...(request.port ? { port: request.port } : {}) });
  try {
    io.out(`demo shop at ${app.url}; scenario ${shownPath(io.cwd, DEMO_SCENARIO)}\n`);
    const outcome = await runLoadTest(
      {
        scenario: DEMO_SCENARIO,
        flags: { vus: request.vus, duration: request.duration },
        env: { TARGET: app.url },
        window: request.window,
        out: request.out,
        db: request.db,
        browserPath: request.browserPath,
        dashboard: request.dashboard,
      },
      io,
    );
    const cart = app.stats()['POST /api/cart'] ?? { hits: 0, errors: 0 };
    const step = outcome.report.steps.find((s) => s.name === 'add to cart');
    io.out(
      `the shop counted ${cart.hits} cart requests (${cart.errors} failed on purpose); ` +
        `the report counted ${step?.count ?? 0} "add to cart" steps (${step?.failed ?? 0} failed)\n`,
    );
    return outcome.exitCode;
  } finally {
    await app.close();
  }
}
