// Reading the line a helper server prints once it listens.
import { parseFrame } from '../../src/protocol/messages.js';
import { HelperReadySchema } from '../../src/protocol/helper.js';

/** How long a helper may take to start listening. */
export const HELPER_START_TIMEOUT_MS = 20_000;

/**
 * Resolves to the URL in the helper's first line of output; rejects when it
 * exits first, prints something else, or stays silent too long.
 */
export function helperUrl(
  name: string,
  output: { onData(listener: (text: string) => void): void },
  exited: Promise<unknown>,
  errorTail: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not say where it listens within ${HELPER_START_TIMEOUT_MS / 1000}s`)), HELPER_START_TIMEOUT_MS);
    let settled = false;
    output.onData((text) => {
      if (settled) return;
      buffered += text;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      settled = true;
      clearTimeout(timer);
      const parsed = parseFrame(HelperReadySchema, buffered.slice(0, newline));
      if (parsed.ok) resolve(parsed.message.url);
      else reject(new Error(`${name} printed "${buffered.slice(0, newline).slice(0, 200)}" instead of where it listens`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it listened: ${errorTail().trim().split('\n').at(-1) ?? ''}`));
    });
  });
}
