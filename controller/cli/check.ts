// squall check <scenario>: one VU, one iteration, here and now.
import type { Command } from 'commander';
import type { Io } from '../../src/io.js';
import { allowOriginFlag, browserPathFlag, envFlag, SCENARIO_KINDS, secretFlag, type ScenarioFlags } from './flags.js';

export function registerCheck(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('check')
    .description("run the scenario once with 1 VU, here, and print every step's result and time")
    .argument('<scenario>', `${SCENARIO_KINDS}; a list or chain: every URL once, in order`)
    .addOption(envFlag())
    .addOption(secretFlag())
    .addOption(browserPathFlag())
    .addOption(allowOriginFlag())
    .addHelpText('after', '\nExit codes: 0 every step passed, 1 a step or the iteration failed, 2 bad input.')
    .action(async (scenario: string, flags: ScenarioFlags) => {
      // Chromium's driver is loaded only by the commands that drive it.
      const { checkScenario } = await import('../check.js');
      const result = await checkScenario(scenario, flags, io);
      setExit(result.passed ? 0 : 1);
    });
}
