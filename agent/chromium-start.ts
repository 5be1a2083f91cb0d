// Starting one Chromium and connecting puppeteer to it over its DevTools pipe.
// puppeteer.launch does the same but keeps the process to itself: a browser
// that dies while it starts is then reported only as "Target closed", and what
// Chromium printed (a missing library, a crash) is lost. Here the process stays
// ours, so a failed start carries Chromium's last words.
import { launch as launchProcess, type Process } from '@puppeteer/browsers';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import puppeteer, { type Browser, type Viewport } from 'puppeteer-core';
import { PipeTransport } from './pipe-transport.js';
import { settledWithin } from '../src/settled-within.js';

export interface ChromiumStart {
  path: string;
  headless: 'shell' | true;
  args: string[];
  defaultViewport: Viewport;
  protocolTimeout: number;
}

export interface RunningChromium {
  browser: Browser;
  /** leader of the browser's process group */
  pid: number | undefined;
  /** Closes the browser and waits until its processes and profile are gone. */
  close(): Promise<void>;
}

/** Lines every start prints on a host without a desktop session: no clue to a failure. */
const ROUTINE_STDERR = /dbus|bluez|vaapi|Floss/;
const STDERR_LINES_KEPT = 6;
/** How long a browser gets to exit after Browser.close before it is killed. */
const CLOSE_GRACE_MS = 5_000;

export async function startChromium(start: ChromiumStart): Promise<RunningChromium> {
  // In the temporary folder: on a host that is TMPDIR, inside the run folder, so cleanup finds it.
  const profile = await mkdtemp(join(tmpdir(), 'squall-chromium-'));
  const chromium = launchProcess({
    executablePath: start.path,
    args: [...withoutStartPage(puppeteer.defaultArgs({ headless: start.headless, args: start.args, userDataDir: profile }), start.headless), '--remote-debugging-pipe'],
    env: process.env,
    pipe: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    onExit: () => rm(profile, { recursive: true, force: true }),
  });
  // A file that cannot be run at all (a script whose interpreter is missing) fails the
  // spawn itself: an 'error' event no one else listens for.
  let spawnError: Error | undefined;
  chromium.nodeProcess.once('error', (error) => (spawnError = error));
  const stdio = chromium.nodeProcess.stdio;
  try {
    const browser = await puppeteer.connect({
      transport: new PipeTransport(stdio[3] as Writable, stdio[4] as Readable),
      defaultViewport: start.defaultViewport,
      protocolTimeout: start.protocolTimeout,
      // The DevTools "issues" stream is nothing a VU needs, and costs a message per issue.
      issuesEnabled: false,
    });
    return { browser, pid: chromium.nodeProcess.pid, close: () => closeChromium(browser, chromium) };
  } catch (error) {
    if (spawnError) {
      await rm(profile, { recursive: true, force: true });
      const hint = (spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? ' (the file is there: is the interpreter on its #! line missing?)' : '';
      throw new Error(`cannot run it: ${spawnError.message}${hint}`);
    }
    await chromium.close().catch(() => {});
    throw new Error(`${error instanceof Error ? error.message : String(error)}${await lastWords(chromium)}`);
  }
}

/**
 * puppeteer asks for an about:blank page at start. No VU uses it (each opens its page in a
 * context of its own), yet the headless shell gives it a renderer for the browser's life:
 * without it a start costs about 150 ms less CPU (655 against 815 ms, a context and a page
 * included) and one process less. Full Chromium opens a tab of its own without one, so it keeps it.
 */
function withoutStartPage(args: string[], headless: ChromiumStart['headless']): string[] {
  return headless === 'shell' ? args.filter((arg) => arg !== 'about:blank') : args;
}

async function closeChromium(browser: Browser, chromium: Process): Promise<void> {
  await browser.close().catch(() => {});
  if (!(await settledWithin(chromium.hasClosed(), CLOSE_GRACE_MS))) await chromium.close();
}

/** What Chromium printed last, minus the routine lines, as a suffix for an error. */
async function lastWords(chromium: Process): Promise<string> {
  const stderr = chromium.nodeProcess.stderr;
  // The process has exited, but its last lines may still be in the pipe.
  if (stderr && !stderr.closed) await settledWithin(once(stderr, 'close'), 200);
  const lines = chromium.getRecentLogs().filter((line) => !ROUTINE_STDERR.test(line)).slice(-STDERR_LINES_KEPT);
  return lines.length > 0 ? `; Chromium printed: ${lines.join(' | ')}` : '; Chromium printed nothing';
}
