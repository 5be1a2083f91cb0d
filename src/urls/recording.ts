// A Chrome DevTools Recorder recording as a scenario: @puppeteer/replay runs
// its steps on the VU's own page, each one timed as a squall step named from
// the recording. Bundled into the scenario with the recording inside.
import { createRunner, PuppeteerRunnerExtension, type Schema, type UserFlow } from '@puppeteer/replay';
import type { Scenario, ScenarioContext } from '../scenario/index.js';
import { normalisedUrl, pathOf } from '../metrics/url-label.js';

/** Steps that set the stage rather than act as the user: run, not timed. */
const UNTIMED = new Set(['setViewport', 'emulateNetworkConditions']);

export function recordingScenario(flow: UserFlow, name: string): Scenario {
  const names = stepNames(flow);
  return {
    name,
    async run(context) {
      // A step that fails throws out of run(): the iteration ends there, as a scenario's would.
      const runner = await createRunner(flow, new TimedSteps(context, names));
      await runner.run();
    },
  };
}

/** "3 click #add", "1 navigate /product/:id": the recorder's step number, its type, what it acted on. */
export function stepNames(flow: UserFlow): Map<Schema.Step, string> {
  const names = new Map<Schema.Step, string>();
  flow.steps.forEach((step, index) => {
    if (UNTIMED.has(step.type)) return;
    names.set(step, `${index + 1} ${step.type}${detailOf(step)}`);
  });
  return names;
}

function detailOf(step: Schema.Step): string {
  if (step.type === 'navigate') return ` ${pathOf(normalisedUrl(step.url)) || '/'}`;
  if ('selectors' in step && step.selectors.length > 0) {
    const first = step.selectors[0]!;
    const selector = (Array.isArray(first) ? first.join(' >> ') : first).replace(/^aria\//, 'aria ');
    return ` ${selector.length > 40 ? `${selector.slice(0, 40)}…` : selector}`;
  }
  if (step.type === 'keyDown' || step.type === 'keyUp') return ` ${step.key}`;
  return '';
}

/**
 * A step waits this long for its element, target or navigation unless the
 * recording says otherwise (a step's or the flow's `timeout`): what
 * @puppeteer/replay and the Recorder's own replay use.
 */
export const RECORDING_STEP_TIMEOUT_MS = 5000;
/** How long a step waits: its own timeout, else the recording's, else replay's default. */
export function stepTimeoutOf(step: Schema.Step, flow: UserFlow | undefined): number {
  return step.timeout ?? flow?.timeout ?? RECORDING_STEP_TIMEOUT_MS;
}

/** The pause @puppeteer/replay makes after every key it presses: the tool's, not the site's time. */
const KEY_PAUSE_MS = 100;

class TimedSteps extends PuppeteerRunnerExtension {
  constructor(
    private readonly context: ScenarioContext,
    private readonly names: ReadonlyMap<Schema.Step, string>,
  ) {
    // Replay finds a step's popup among its "browser"'s targets: the VU's own context, so a VU never takes another's popup.
    // Replay's own types name puppeteer's, which puppeteer-core's are.
    super(context.page.browserContext() as never, context.page as never, { timeout: RECORDING_STEP_TIMEOUT_MS });
  }

  override async runStep(step: Schema.Step, flow?: UserFlow): Promise<void> {
    const name = this.names.get(step);
    if (!name) return super.runStep(step, flow);
    if (isMainPageKey(step)) return this.pressKey(name, step, flow);
    await this.context.step(name, () => withTimeoutSaid(super.runStep(step, flow), stepTimeoutOf(step, flow)));
  }

  /** As replay presses a key on the main page, with its pause after the step's time instead of inside it. */
  private async pressKey(name: string, step: Schema.KeyDownStep | Schema.KeyUpStep, flow: UserFlow | undefined): Promise<void> {
    const { page } = this.context;
    const timeout = stepTimeoutOf(step, flow);
    await this.context.step(name, async () => {
      const navigations = (step.assertedEvents ?? []).filter((event) => event.type === 'navigation').map(() => page.waitForNavigation({ timeout }));
      type Key = Parameters<typeof page.keyboard.down>[0];
      await (step.type === 'keyDown' ? page.keyboard.down(step.key as Key) : page.keyboard.up(step.key as Key));
      await Promise.all(navigations);
    });
    await new Promise((resolve) => setTimeout(resolve, KEY_PAUSE_MS));
  }
}

function isMainPageKey(step: Schema.Step): step is Schema.KeyDownStep | Schema.KeyUpStep {
  return (step.type === 'keyDown' || step.type === 'keyUp') && (step.target === undefined || step.target === 'main');
}

/** A step that timed out says after how long, and where that is set: replay's own message does not. */
async function withTimeoutSaid(running: Promise<void>, timeoutMs: number): Promise<void> {
  try {
    await running;
  } catch (error) {
    if (error instanceof Error && /timed? ?out|timeout/i.test(`${error.name} ${error.message}`)) {
      error.message += ` (after the step's ${timeoutMs} ms; a "timeout" on the step or the recording changes it)`;
    }
    throw error;
  }
}
