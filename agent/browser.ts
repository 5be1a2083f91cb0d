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

export async function launchBrowser(path: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: path,
    headless: isHeadlessShell(path) ? 'shell' : true,
    args: QUIET_FLAGS,
    // VU pages are created in their own contexts; no default page to waste memory on.
    defaultViewport: { width: 1280, height: 800 },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    protocolTimeout: 120_000,
    // Over a pipe, Chromium exits by itself when the agent dies, even by SIGKILL.
    pipe: true,
  });
}
