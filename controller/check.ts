// squall check: one VU, one iteration, here and now, with each step's result
// and time as it ends, so a scenario can be trusted before it is scaled up.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { BrowserStartError, launchFailureNotice, launchRetryNotice } from '../agent/browser.js';
import { runSingleVu } from '../agent/single-vu.js';
import type { StepOutcome, VuEvents } from '../agent/vu.js';
import { findBrowser } from '../src/browser-path.js';
import { InputError } from '../src/errors.js';
import type { Io } from '../src/io.js';
import { formatMs } from './format.js';
import { prepareScenario, type PreparedScenario } from './scenario-file.js';
import { checkBrowserLines, saveScreenshot } from './check-browser.js';
import { terminalSafe } from '../src/terminal-text.js';
import type { ObservedRequestEvent } from '../agent/vu.js';
import type { VitalValues } from '../src/metrics/request-stats.js';
import { makeWorkDir } from './work-dir.js';
import { maskedIo, readSecrets } from './secrets.js';
import { runSetup, runTeardown } from './run/lifecycle.js';

export interface CheckResult {
  passed: boolean;
  steps: StepOutcome[];
}

function checkedIterations({ flows, named }: PreparedScenario['flows']): string {
  return named ? `1 iteration of each flow (${flows.map((f) => f.name).join(', ')})` : '1 iteration';
}

export async function checkScenario(scenarioPath: string, flags: { env?: Record<string, string>; secret?: string[]; browserPath?: string; allowOrigin?: string[] }, given: Io): Promise<CheckResult> {
  const secrets = await readSecrets(flags.secret ?? [], given);
  // Everything check prints comes from the page and the scenario: a secret in it is masked.
  const io = maskedIo(given, secrets);
  const found = findBrowser(flags.browserPath);
  if ('error' in found) throw new InputError(found.error);
  const workDir = makeWorkDir('check');
  let teardown: (() => Promise<void>) | undefined;
  try {
    const prepared = await prepareScenario(scenarioPath, workDir, io.cwd, { allowOrigins: flags.allowOrigin ?? [], everyUrl: true });
    const lifecycle = { env: flags.env ?? {}, secrets };
    const setupData = await runSetup(prepared.scenario, lifecycle, io);
    teardown = () => runTeardown(prepared.scenario, setupData, lifecycle, io);
    const steps: StepOutcome[] = [];
    const requests: ObservedRequestEvent[] = [];
    const pageViews: Array<{ step: string; vitals: VitalValues }> = [];
    let iterationError: string | undefined;
    const events: VuEvents = {
      iterationStarted: (_vu, _iteration, _at, flow) => {
        if (flow) io.out(`flow ${flow}:\n`);
      },
      stepEnded: (outcome) => {
        steps.push(outcome);
        const mark = outcome.error ? 'FAIL' : 'ok  ';
        const detail = outcome.error ? `  ${terminalSafe(`${outcome.error.errorClass}: ${outcome.error.message}`)}` : '';
        io.out(`  ${mark} ${outcome.name.padEnd(24)} ${formatMs(outcome.durationMs).padStart(7)}${detail}\n`);
      },
      iterationEnded: (_vu, _iteration, _at, result) => {
        if (result.kind === 'failed') iterationError ??= result.inStep ? 'a step failed' : terminalSafe(`${result.errorClass}: ${result.message}`);
      },
      requestsObserved: (batch) => void requests.push(...batch),
      pageViewEnded: (view) => void pageViews.push(view),
      evidence: (evidence) => {
        const shot = saveScreenshot(evidence, io.cwd);
        io.out(`       page: ${terminalSafe(evidence.url) || '(none)'}\n`);
        for (const line of evidence.consoleErrors) io.out(`       console: ${terminalSafe(line)}\n`);
        for (const r of evidence.failedRequests) io.out(`       request: ${r.status > 0 ? r.status : terminalSafe(r.error ?? 'failed')} ${terminalSafe(r.url)}\n`);
        if (shot) io.out(`       screenshot: ${shot}\n`);
      },
    };
    await runSingleVu({
      scenario: prepared.scenario,
      flows: prepared.flows,
      browserPath: found.path,
      env: flags.env ?? {},
      secrets,
      setupData,
      events,
      iterations: 1,
      dataDir: dirname(prepared.bundle.path),
      onRetry: (message, attempt) => io.err(`${launchRetryNotice(found.path, message, attempt)}\n`),
      onBrowser: (version) => io.out(`checking "${prepared.name}": 1 VU, ${checkedIterations(prepared.flows)}, ${version}\n`),
    }).catch((error: unknown) => {
      throw error instanceof BrowserStartError ? new InputError(launchFailureNotice(found.path, error.message)) : error;
    });
    if (iterationError && !steps.some((s) => s.error)) io.out(`  FAIL outside any step: ${iterationError}\n`);
    for (const line of checkBrowserLines(requests, pageViews)) io.out(`${line}\n`);
    const passed = iterationError === undefined;
    io.out(passed ? `passed: ${steps.length} steps\n` : `failed: ${steps.filter((s) => !s.error).length} of ${steps.length} steps passed\n`);
    return { passed, steps };
  } finally {
    await teardown?.();
    rmSync(workDir, { recursive: true, force: true });
  }
}
