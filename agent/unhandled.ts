// A promise the scenario's code starts and never awaits (`page.click(...)`
// without await, a `fetch` left running) may reject after its step ended.
// Node's default ends the thread that holds it: the agent, or a VU worker
// thread whose VUs then never finish. A slip like that costs the user one
// line, said once for each distinct message, not the run.
import { describeError } from './describe-error.js';

/** Distinct messages said; the same slip in every iteration is said once. */
const DISTINCT_SAID = 10;

/** `say`, but each distinct message once, and no more than DISTINCT_SAID of them. */
export function onceEach(say: (message: string) => void): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message) || said.size >= DISTINCT_SAID) return;
    said.add(message);
    say(message);
  };
}

/** What is said of it: its class and first line as a failed step's are (bounded; a value whose conversion throws is shown as such). */
export function unhandledNotice(reason: unknown): string {
  const { errorClass, message } = describeError(reason);
  return `a promise rejected and nothing handled it (in the scenario's code, most likely: await it, or add .catch): ${errorClass}: ${message}`;
}

let installed = false;

export function keepGoingOnUnhandledRejections(say: (message: string) => void): void {
  if (installed) return;
  installed = true;
  // Once each in every thread, and the agent says each once for all its threads (agent.ts).
  const sayOnce = onceEach(say);
  process.on('unhandledRejection', (reason) => sayOnce(unhandledNotice(reason)));
}
