// squall demo: starts the demo shop on loopback and runs a short real test
// against it; or, with --serve, only serves the shop for your own runs.
import type { Command } from 'commander';
import { runLoadTest } from '../../controller/run.js';
import { startDemoApp } from '../../scripts/demo/server.js';
import { DEMO_SCENARIO, shownPath } from '../paths.js';
import type { Io } from './io.js';
import { positiveInt } from './options.js';

interface DemoFlags {
  serve?: boolean;
  port?: number;
  vus: number;
  duration: string;
  window: string;
  errorRate: string;
  out?: string;
  db?: string;
  browserPath?: string;
  dashboard?: boolean;
}

export function registerDemo(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('start the demo shop on 127.0.0.1 and run a short real browser load test against it')
    .option('--serve', 'only serve the demo shop (until Ctrl-C), to run your own scenarios against it')
    .option('--port <n>', 'port for the demo shop (default: any free port)', positiveInt)
    .option('--vus <n>', 'virtual users', positiveInt, 3)
    .option('--duration <time>', 'how long to hold the load', '20s')
    .option('--window <time>', 'aggregation window', '5s')
    .option('--error-rate <share>', 'share of cart requests the shop fails on purpose, 0..1', '0.05')
    .option('--out <dir>', 'where to write report.json')
    .option('--db <file>', 'SQLite store that keeps every run')
    .option('--no-dashboard', 'print one plain line per window instead of the live dashboard (also when not a terminal, or CI is set)')
    .option('--browser-path <path>', 'Chromium to drive')
    .action(async (flags: DemoFlags) => {
      const cartErrorRate = Number(flags.errorRate);
      if (!(cartErrorRate >= 0 && cartErrorRate <= 1)) {
        io.err(`squall: --error-rate ${flags.errorRate}: expected a number from 0 to 1\n`);
        return setExit(2);
      }
      const app = await startDemoApp({ cartErrorRate, ...(flags.port ? { port: flags.port } : {}) });
      try {
        if (flags.serve) {
          io.out(`demo shop at ${app.url} (hit counts at ${app.url}/__stats); Ctrl-C to stop\n`);
          io.out(`try: squall run ${shownPath(io.cwd, DEMO_SCENARIO)} --env TARGET=${app.url}\n`);
          await new Promise<void>((resolve) => {
            const off = io.onInterrupt(() => {
              off();
              resolve();
            });
          });
          return;
        }
        io.out(`demo shop at ${app.url}; scenario ${shownPath(io.cwd, DEMO_SCENARIO)}\n`);
        const outcome = await runLoadTest(
          {
            scenario: DEMO_SCENARIO,
            flags: { vus: flags.vus, duration: flags.duration },
            env: { TARGET: app.url },
            window: flags.window,
            out: flags.out,
            db: flags.db,
            browserPath: flags.browserPath,
            dashboard: flags.dashboard,
          },
          io,
        );
        const cart = app.stats()['POST /api/cart'] ?? { hits: 0, errors: 0 };
        const step = outcome.report.steps.find((s) => s.name === 'add to cart');
        io.out(
          `the shop counted ${cart.hits} cart requests (${cart.errors} failed on purpose); ` +
            `the report counted ${step?.count ?? 0} "add to cart" steps (${step?.failed ?? 0} failed)\n`,
        );
        setExit(outcome.exitCode);
      } finally {
        await app.close();
      }
    });
}
