// What a failed step leaves for a person to look at: the viewport as a small
// JPEG, the URL, the page's last console errors and failed requests. Kept for
// the first few failures of each error class only, so a broken site does not
// flood the link (or the report) with thousands of the same picture.
import type { Page } from 'puppeteer-core';
import { valueWithin } from '../src/settled-within.js';
import type { Evidence } from '../src/protocol/messages.js';
import type { PageMetrics } from './page-metrics/page-metrics.js';

export const DEFAULT_EVIDENCE_PER_ERROR = 3;
const SCREENSHOT_TIMEOUT_MS = 5000;

/** At most `limit` items per error class; shared by a worker's VUs, and again by the agent over its workers. */
export class EvidenceBudget {
  private readonly taken = new Map<string, number>();

  constructor(private readonly limit: number) {}

  take(errorClass: string): boolean {
    const taken = this.taken.get(errorClass) ?? 0;
    if (taken >= this.limit) return false;
    this.taken.set(errorClass, taken + 1);
    return true;
  }
}

export type Failure = Pick<Evidence, 'step' | 'errorClass' | 'message' | 'at' | 'vu' | 'iteration'>;

export async function captureEvidence(page: Page, metrics: PageMetrics | undefined, failure: Failure): Promise<Evidence> {
  const [screenshot, fromPage] = await Promise.all([screenshotOf(page), metrics?.evidence()]);
  return {
    ...failure,
    at: Math.round(failure.at),
    message: failure.message.slice(0, 1000),
    url: page.isClosed() ? '' : page.url(),
    consoleErrors: fromPage?.consoleErrors ?? [],
    failedRequests: fromPage?.failedRequests ?? [],
    ...(screenshot ? { screenshot } : {}),
  };
}

function screenshotOf(page: Page): Promise<string | undefined> {
  if (page.isClosed()) return Promise.resolve(undefined);
  return valueWithin(page.screenshot({ type: 'jpeg', quality: 50, encoding: 'base64', optimizeForSpeed: true }), SCREENSHOT_TIMEOUT_MS);
}
