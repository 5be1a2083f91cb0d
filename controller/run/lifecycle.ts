// The scenario's setup and teardown, once per run on the controller's machine:
// setup before any host or browser starts (it fails the run cheaply, exit 3),
// its JSON result carried to every VU in the start message; teardown after
// the load however the run ended, its error reported, not fatal.
import { RunFailure } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import type { LifecycleContext, Scenario } from '../../src/scenario/index.js';
import { describeError } from '../../agent/describe-error.js';
import { Redactor } from '../../src/secrets/redact.js';

/** A setup's result rides in every agent's start message. */
export const MAX_SETUP_DATA_BYTES = 1_000_000;

/** A setup's error is printed: the secrets it was given are masked in it. */
export async function runSetup(lifecycle: Lifecycle, context: LifecycleContext, io: Io): Promise<unknown> {
  const mask = new Redactor(Object.values(context.secrets));
  const setup = lifecycle.setup;
  if (!setup) return undefined;
  const started = Date.now();
  let result: unknown;
  try {
    result = await setup(context);
  } catch (error) {
    const { errorClass, message } = describeError(error);
    throw new RunFailure(mask.text(`setup failed: ${errorClass}: ${message}`));
  }
  if (result === undefined) return undefined;
  let json: string;
  try {
    json = JSON.stringify(result);
  } catch (error) {
    throw new RunFailure(`setup returned what JSON cannot carry to the VUs: ${(error as Error).message}`);
  }
  if (json === undefined) throw new RunFailure('setup returned what JSON cannot carry to the VUs (a function or a symbol)');
  if (json.length > MAX_SETUP_DATA_BYTES) throw new RunFailure(`setup returned ${json.length} bytes of JSON; at most ${MAX_SETUP_DATA_BYTES} go to every VU`);
  io.err(`setup done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return JSON.parse(json) as unknown;
}

/** Never throws: a teardown's failure is told, and the run's own outcome stands. */
export async function runTeardown(lifecycle: Lifecycle, setupData: unknown, context: LifecycleContext, io: Io): Promise<void> {
  const teardown = lifecycle.teardown;
  if (!teardown) return;
  try {
    await teardown(setupData, context);
    io.err('teardown done\n');
  } catch (error) {
    const { errorClass, message } = describeError(error);
    io.err(`squall: teardown failed: ${errorClass}: ${message}\n`);
  }
}

type Lifecycle = Pick<Scenario, 'setup' | 'teardown'>;
