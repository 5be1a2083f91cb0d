// squall check <scenario>: one VU, one iteration, here and now; each step's
// result and time, so a scenario can be trusted before it is scaled up.
import type { Command } from 'commander';
import { basename, extname, join } from 'node:path';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { launchBrowser, launchFailureNotice, launchRetryNotice } from '../../agent/browser.js';
import { findBrowser } from '../../agent/browser-path.js';
import { VirtualUser, type StepOutcome, type VuEvents } from '../../agent/vu.js';
import { bundleScenario } from '../../controller/bundle.js';
import { parseScenarioOptions } from '../../controller/load-plan.js';
import { formatMs } from '../../controller/progress.js';
import { UserError } from '../errors.js';
import { loadScenario } from '../scenario/load.js';
import type { Io } from './io.js';
import { collectEnv } from './options.js';

interface CheckFlags {
  env?: Record<string, string>;
  browserPath?: string;
}

export interface CheckResult {
  passed: boolean;
  steps: StepOutcome[];
}

export async function checkScenario(scenarioPath: string, flags: CheckFlags, io: Io): Promise<CheckResult> {
  const found = findBrowser(flags.browserPath);
  if ('error' in found) throw new UserError(found.error);
  const workDir = join(tmpdir(), `squall-check-${randomBytes(4).toString('hex')}`);
  try {
    const bundle = await bundleScenario(scenarioPath, workDir, io.cwd);
    const loaded = await loadScenario(bundle.path, scenarioPath, basename(scenarioPath, extname(scenarioPath)));
    parseScenarioOptions(loaded.scenario.options, scenarioPath);
    const chromium = await launchBrowser(found.path, loaded.scenario.options?.browser, (message, attempt) =>
      io.err(`${launchRetryNotice(found.path, message, attempt)}\n`),
    ).catch((error: unknown) => {
      throw new UserError(launchFailureNotice(found.path, (error as Error).message));
    });
    const browser = chromium.browser;
    try {
      io.out(`checking "${loaded.name}": 1 VU, 1 iteration, ${await browser.version()}\n`);
      const steps: StepOutcome[] = [];
      let iterationError: string | undefined;
      const events: VuEvents = {
        iterationStarted: () => {},
        stepEnded: (outcome) => {
          steps.push(outcome);
          const mark = outcome.error ? 'FAIL' : 'ok  ';
          const detail = outcome.error ? `  ${outcome.error.errorClass}: ${outcome.error.message}` : '';
          io.out(`  ${mark} ${outcome.name.padEnd(24)} ${formatMs(outcome.durationMs).padStart(7)}${detail}\n`);
        },
        iterationEnded: (_vu, _iteration, _at, result) => {
          if (result.kind === 'failed' && !result.inStep) iterationError = `${result.errorClass}: ${result.message}`;
          if (result.kind === 'failed' && result.inStep) iterationError = 'a step failed';
        },
      };
      const vu = new VirtualUser({ id: 1, browser, scenario: loaded.scenario, env: flags.env ?? {}, events, now: Date.now, maxIterations: 1 });
      await vu.run();
      if (iterationError && !steps.some((s) => s.error)) io.out(`  FAIL outside any step: ${iterationError}\n`);
      const passed = iterationError === undefined;
      io.out(passed ? `passed: ${steps.length} steps\n` : `failed: ${steps.filter((s) => !s.error).length} of ${steps.length} steps passed\n`);
      return { passed, steps };
    } finally {
      await chromium.close();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function registerCheck(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('check')
    .description('run the scenario once with 1 VU, here, and print every step\'s result and time')
    .argument('<scenario>', 'scenario file (.ts or .js)')
    .option('--env <KEY=VALUE>', 'value for the scenario\'s env (repeatable)', collectEnv)
    .option('--browser-path <path>', 'Chromium to drive (default: chromium-headless-shell, found automatically)')
    .addHelpText('after', '\nExit codes: 0 every step passed, 1 a step or the iteration failed, 2 bad input.')
    .action(async (scenario: string, flags: CheckFlags) => {
      const result = await checkScenario(scenario, flags, io);
      setExit(result.passed ? 0 : 1);
    });
}
