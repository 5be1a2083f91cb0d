// A controller in a process of its own (`squall run` as far as its output and
// exit code go), with the run hooks' short clockwork: for tests that kill the
// controller, which must not be the test's own process.
//   node --import tsx test/harness/controller-child.ts '{"request": {...}, "timing": {...}}'
import type { RunTiming } from '../../controller/run/prepare.js';
import type { RunRequest } from '../../controller/run/request.js';
import { runLoadTest } from '../../controller/run/run.js';
import { processIo } from '../../src/io.js';

const { request, timing } = JSON.parse(process.argv[2] ?? '{}') as { request: RunRequest; timing: Partial<RunTiming> };
const outcome = await runLoadTest(request, processIo(), { timing });
process.exit(outcome.exitCode);
