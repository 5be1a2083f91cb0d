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

class TimedSteps extends PuppeteerRunnerExtension {
  constructor(
    private readonly context: ScenarioContext,
    private readonly names: ReadonlyMap<Schema.Step, string>,
  ) {
    // The VU's page and its browser: replay's own types name puppeteer's, which puppeteer-core's are.
    super(context.page.browser() as never, context.page as never, { timeout: 30_000 });
  }

  override async runStep(step: Schema.Step, flow?: UserFlow): Promise<void> {
    const name = this.names.get(step);
    if (!name) return super.runStep(step, flow);
    await this.context.step(name, () => super.runStep(step, flow));
  }
}

