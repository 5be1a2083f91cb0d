// The collector as the one script each new document runs first: the vitals
// watcher and installCollector, in a scope of their own so the page's globals
// get only the two read functions (non-enumerable) and the binding.
import { NAME_STUB } from '../lean-actions-page.js';
import { installCollector } from './collector-page.js';
import { watchVitals } from './vitals-page.js';

export const COLLECTOR_NAMES = { report: '__squallPageReport', evidence: '__squallPageEvidence', binding: '__squallViewEnded' } as const;

let script: string | undefined;

export function collectorScript(): string {
  script ??= `(() => {\n${NAME_STUB}\n;(${installCollector.toString()})(${watchVitals.toString()}, ${JSON.stringify(COLLECTOR_NAMES)});\n})();`;
  return script;
}
