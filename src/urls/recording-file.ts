// A Chrome DevTools Recorder export (JSON), read and checked before a run:
// @puppeteer/replay's own parser for its steps, then the origins it navigates.
import { parse, type UserFlow } from '@puppeteer/replay';
import { InputError } from '../errors.js';
import { OriginGuard } from './url-file.js';

/** Step types a VU can replay; others (a Lighthouse audit, a custom step) need more than a page. */
const SUPPORTED = new Set([
  'navigate', 'click', 'doubleClick', 'hover', 'change', 'keyDown', 'keyUp', 'scroll', 'close',
  'setViewport', 'waitForElement', 'waitForExpression', 'emulateNetworkConditions',
]);

/** `allowedOrigins`: --allow-origin, origins besides the first navigation's. */
export function readRecording(text: string, file: string, allowedOrigins: readonly string[] = []): UserFlow {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { steps?: unknown }).steps)) {
    throw new InputError(`${file}: expected a Chrome DevTools Recorder recording: { "title": ..., "steps": [...] } (export it from the Recorder panel as JSON)`);
  }
  let flow: UserFlow;
  try {
    flow = parse(data);
  } catch (error) {
    throw new InputError(`${file}: not a recording this version of @puppeteer/replay can run: ${(error as Error).message}`);
  }
  const guard = new OriginGuard(file, allowedOrigins, "the first navigation's");
  flow.steps.forEach((step, index) => {
    const at = `${file}: steps[${index}]`;
    if (!SUPPORTED.has(step.type)) throw new InputError(`${at}: a "${step.type}" step cannot be replayed by a VU; supported: ${[...SUPPORTED].join(', ')}`);
    if (step.type === 'navigate') guard.check(step.url, at, (origin) => `navigates to ${origin}, not an allowed origin`);
  });
  if (!flow.steps.some((step) => step.type === 'navigate')) throw new InputError(`${file}: the recording never navigates: record it from the page it starts on`);
  return flow;
}

/** The Recorder's own default titles say nothing about a run: such a recording takes its file's name. */
export function recordingName(title: string | undefined, fileName: string): string {
  const text = (title ?? '').trim();
  return text === '' || /^new recording$/i.test(text) || /^recording \d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}/i.test(text) ? fileName : text;
}
