// Finding and launching the one headless Chromium an agent shares among its VUs.
import puppeteer, { type Browser } from 'puppeteer-core';
import { isHeadlessShell } from './browser-path.js';

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

// Experiment hooks, read once: SQUALL_CHROMIUM_ARGS (extra flags), SQUALL_VIEWPORT (WxH).
const EXTRA_ARGS = (process.env.SQUALL_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);
const [VIEW_W, VIEW_H] = (process.env.SQUALL_VIEWPORT ?? '1280x720').split('x').map(Number);

export async function launchBrowser(path: string, extraArgs: readonly string[] = []): Promise<Browser> {
  return puppeteer.launch({
    executablePath: path,
    headless: isHeadlessShell(path) ? 'shell' : true,
    args: [...QUIET_FLAGS, ...extraArgs, ...EXTRA_ARGS],
    defaultViewport: { width: VIEW_W ?? 1280, height: VIEW_H ?? 720 },
    ...(process.env.SQUALL_NETWORK === '0' ? { networkEnabled: false } : {}),
    ...(process.env.SQUALL_ISSUES === '0' ? { issuesEnabled: false } : {}),
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    protocolTimeout: 120_000,
    // Over a pipe, Chromium exits by itself when the agent dies, even by SIGKILL.
    pipe: true,
  });
}
