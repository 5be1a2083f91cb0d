// Which Chromium to drive: found without loading puppeteer, so the
// controller can check a local machine before it starts an agent there.
import { accessSync, constants } from 'node:fs';

/** Preferred first: the headless shell runs about 3x more VUs per core than full Chromium. */
export const BROWSER_CANDIDATES = [
  '/usr/bin/chromium-headless-shell',
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser to use, or an explanation of what is missing. */
export function findBrowser(explicit?: string): { path: string } | { error: string } {
  if (explicit) {
    return isExecutable(explicit)
      ? { path: explicit }
      : { error: `--browser-path ${explicit}: no executable file there` };
  }
  const found = BROWSER_CANDIDATES.find(isExecutable);
  if (found) return { path: found };
  return {
    error:
      'no Chromium found (looked for ' +
      BROWSER_CANDIDATES.join(', ') +
      '); install Debian\'s "chromium-headless-shell" package or pass --browser-path',
  };
}

export function isHeadlessShell(path: string): boolean {
  return path.includes('headless-shell') || path.includes('headless_shell');
}

