// squall demo [--serve]: the demo shop, and a short real test against it.
import type { Command } from 'commander';
import type { Io } from '../../src/io.js';
import { browserPathFlag, dbFlag, noDashboardFlag, outFlag, positiveInt, windowFlag, type OutputFlags } from './flags.js';

interface DemoFlags extends OutputFlags {
  serve?: boolean;
  port?: number;
  vus: number;
  duration: string;
  errorRate: string;
  browserPath?: string;
}

export function registerDemo(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('start the demo shop on 127.0.0.1 and run a short real browser load test against it')
    .option('--serve', 'only serve the demo shop (until Ctrl-C), to run your own scenarios against it')
    .option('--port <n>', 'port for the demo shop (default: any free port)', positiveInt)
    .option('--vus <n>', 'virtual users', positiveInt, 3)
    .option('--duration <time>', 'how long to hold the load', '20s')
    .addOption(windowFlag('5s'))
    .option('--error-rate <share>', 'share of cart requests the shop fails on purpose, 0..1', '0.05')
    .addOption(outFlag())
    .addOption(dbFlag())
    .addOption(noDashboardFlag())
    .addOption(browserPathFlag())
    .action(async (flags: DemoFlags) => {
      const cartErrorRate = Number(flags.errorRate);
      if (!(cartErrorRate >= 0 && cartErrorRate <= 1)) {
        io.err(`squall: --error-rate ${flags.errorRate}: expected a number from 0 to 1\n`);
        return setExit(2);
      }
      const { runDemo, serveDemoShop } = await import('../demo/demo.js');
      if (flags.serve) return serveDemoShop({ port: flags.port, cartErrorRate }, io);
      setExit(await runDemo({ ...flags, cartErrorRate }, io));
    });
}
