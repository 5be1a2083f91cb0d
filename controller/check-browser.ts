// What `squall check` shows of the pages besides its steps: every request its
// one iteration made (slowest first: pages, frames, popups, workers; timed by
// the network layer on every origin) and each page view's Web Vitals, and
// where a failed step's screenshot went.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ObservedRequestEvent } from '../agent/vu.js';
import { normalisedUrl } from '../src/metrics/url-label.js';
import { statusClass, type VitalValues } from '../src/metrics/request-stats.js';
import { VITALS } from '../src/metrics/vitals.js';
import type { Evidence } from '../src/protocol/messages.js';
import { makeDirectory } from './files.js';
import { formatMs } from './format.js';
import { terminalSafe } from '../src/terminal-text.js';

export function checkBrowserLines(requests: readonly ObservedRequestEvent[], pageViews: ReadonlyArray<{ step: string; vitals: VitalValues }>): string[] {
  const lines: string[] = [];
  if (requests.length > 0) {
    lines.push(`requests: ${requests.length}, slowest first (method, status, TTFB, total):`);
    const sorted = [...requests].sort((a, b) => (b.sample.phases.total ?? 0) - (a.sample.phases.total ?? 0));
    for (const { step, sample } of sorted) {
      const status = sample.failed ? 'failed' : sample.status > 0 ? String(sample.status) : statusClass(sample);
      const ttfb = sample.cached ? 'cached' : sample.phases.ttfb === undefined ? '-' : formatMs(sample.phases.ttfb);
      const total = sample.phases.total === undefined ? '-' : formatMs(sample.phases.total);
      const why = sample.failed && sample.error ? `  ${terminalSafe(sample.error)}` : '';
      lines.push(`  ${terminalSafe(sample.method).padEnd(7)} ${status.padEnd(6)} ${ttfb.padStart(7)} ${total.padStart(7)}  ${terminalSafe(normalisedUrl(sample.url))}  (${step})${why}`);
    }
  }
  for (const view of pageViews) {
    const values = VITALS.filter((v) => view.vitals[v] !== undefined).map((v) => `${v} ${v === 'CLS' ? view.vitals[v]!.toFixed(3) : formatMs(view.vitals[v]!)}`);
    lines.push(`page view in "${view.step}": ${values.join('  ') || 'no vitals reported'}`);
  }
  return lines;
}

/** Writes a failed step's screenshot under squall-results/check/; returns the path to show, relative to cwd. */
export function saveScreenshot(evidence: Evidence, cwd: string): string | undefined {
  if (!evidence.screenshot) return undefined;
  const dir = join(cwd, 'squall-results', 'check');
  try {
    makeDirectory(dir);
    const file = join(dir, `${new Date(evidence.at).toISOString().replace(/[:.]/g, '-')}-${evidence.step.replace(/[^\w.-]+/g, '_')}.jpg`);
    writeFileSync(file, Buffer.from(evidence.screenshot, 'base64'));
    return relative(cwd, file);
  } catch {
    return undefined;
  }
}
