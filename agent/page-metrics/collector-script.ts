// The collector as the one script each new document runs first: web-vitals'
// IIFE and installCollector, in a scope of their own so the page's globals
// get only the two read functions (non-enumerable) and the binding.
import { NAME_STUB } from '../lean-actions-page.js';
import { installCollector } from './collector-page.js';
import { WEB_VITALS_IIFE } from './web-vitals-source.js';

export const COLLECTOR_NAMES = { report: '__squallPageReport', evidence: '__squallPageEvidence', binding: '__squallViewEnded' } as const;

let script: string | undefined;

export function collectorScript(): string {
  script ??= `(() => {\n${NAME_STUB}\n${WEB_VITALS_IIFE}\n;(${installCollector.toString()})(webVitals, ${JSON.stringify(COLLECTOR_NAMES)});\n})();`;
  return script;
}
