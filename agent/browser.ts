// Launching the headless Chromium that a VU worker's VUs share.
import type { BrowserOptions } from '../src/scenario/index.js';
import { isHeadlessShell } from '../src/browser-path.js';
import { startChromium, type RunningChromium } from './chromium-start.js';

/**
 * Flags that keep Chromium from phoning home (refused connections on closed
 * networks cost CPU at every start) and from throttling pages we drive.
 */
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions',
  '--metrics-recording-only',
  '--mute-audio',
];

/**
 * The display compositor and the network service run in the browser process
 * instead of two processes of their own: every frame and every request then
 * skips an IPC hop. In A/B runs at 36 VUs on 2 cores this cut CPU per
 * iteration by about 5 % each and 0.8 MB of PSS per VU; the page sees no
 * difference. The cost: a crash there takes the browser down with it.
 */
const FEWER_PROCESS_FLAGS = ['--in-process-gpu', '--enable-features=NetworkServiceInProcess2'];

/**
 * RenderDocument gives every navigation of a page a new frame in the renderer
 * (and its compositor state) instead of reusing the one it has; VUs navigate
 * their one page all run long. Off, the page sees no difference (the same
 * document, events and requests) and the renderer's CPU per iteration of the
 * side-by-side flow fell from 58-74 to 50-54 ms (4 and 12 VUs, five rounds),
 * what the floor's renderer spends.
 */
const FEWER_FRAME_SWAPS_FLAGS = ['--disable-features=RenderDocument'];

export const DEFAULT_VIEWPORT = { width: 1280, height: 720 };

/** Flags for the scenario's browser options: extra args, and blocked hosts resolved to nowhere. */
export function browserArgs(options: BrowserOptions | undefined): string[] {
  const blocked = options?.blockHosts ?? [];
  // Blocked in the resolver: no request interception, so no DevTools round trip per request.
  const rules = blocked.length > 0 ? [`--host-resolver-rules=${blocked.map((host) => `MAP ${host} ~NOTFOUND`).join(', ')}`] : [];
  return [...rules, ...(options?.args ?? [])];
}

/**
 * Chromium now and then dies just after it starts on a busy host: seen in CI
 * as "Target.setDiscoverTargets: Target closed" while three agents started at
 * once on 2 cores. One such crash should not fail a distributed run, and a
 * browser that cannot start at all fails three times in well under a second.
 */
export const LAUNCH_ATTEMPTS = 3;

export type LaunchRetryListener = (failure: string, attempt: number) => void;

/** What a user reads when the browser did not start at all. */
export function launchFailureNotice(path: string, failure: string): string {
  return `Chromium at ${path} did not start: ${failure}`;
}

/** What a user reads when a start failed and is tried again. */
export function launchRetryNotice(path: string, failure: string, attempt: number): string {
  return `Chromium at ${path} did not start (attempt ${attempt} of ${LAUNCH_ATTEMPTS}), trying again: ${failure}`;
}

/** Chromium did not start, after every attempt: the message says why. */
export class BrowserStartError extends Error {
  override name = 'BrowserStartError';
}

/** The one way VUs get their browser: for a VU worker's VUs, and for `squall check`'s one VU. */
export async function launchBrowser(path: string, options?: BrowserOptions, onRetry?: LaunchRetryListener): Promise<RunningChromium> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(path, options);
    } catch (error) {
      const failure = error instanceof Error ? error.message.trim() : String(error);
      // Earlier failures went to onRetry; the last one says why the browser is not there.
      if (attempt >= LAUNCH_ATTEMPTS) throw new BrowserStartError(`${failure} (tried ${attempt} times)`);
      onRetry?.(failure, attempt);
    }
  }
}

function launchOnce(path: string, options?: BrowserOptions): Promise<RunningChromium> {
  return startChromium({
    path,
    headless: isHeadlessShell(path) ? 'shell' : true,
    args: [...QUIET_FLAGS, ...FEWER_PROCESS_FLAGS, ...FEWER_FRAME_SWAPS_FLAGS, ...browserArgs(options)],
    defaultViewport: options?.viewport ?? DEFAULT_VIEWPORT,
    protocolTimeout: 120_000,
  });
}
