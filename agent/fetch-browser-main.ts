// Entry point of dist/fetch-browser.mjs, run by `squall hosts prepare` on a
// load host that has no Chromium and no way to get it from its package
// manager: Chrome for Testing's headless shell, the build this squall's
// puppeteer-core is made for, through @puppeteer/browsers (download, unpack,
// cache). Prints one JSON line: where the executable is.
//   node fetch-browser.mjs --cache <dir> [--base-url <mirror>]
import { Browser, detectBrowserPlatform, install } from '@puppeteer/browsers';
import { PUPPETEER_REVISIONS } from 'puppeteer-core/internal/revisions.js';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<number> {
  const cacheDir = flag('--cache');
  if (!cacheDir) {
    process.stderr.write('usage: fetch-browser.mjs --cache <dir> [--base-url <url>]\n');
    return 2;
  }
  const platform = detectBrowserPlatform();
  if (!platform) {
    process.stderr.write(`no Chrome for Testing build for ${process.platform}/${process.arch}\n`);
    return 3;
  }
  const baseUrl = flag('--base-url');
  const buildId = PUPPETEER_REVISIONS['chrome-headless-shell'];
  let said = 0;
  const installed = await install({
    browser: Browser.CHROMEHEADLESSSHELL,
    buildId,
    cacheDir,
    platform,
    ...(baseUrl ? { baseUrl } : {}),
    downloadProgressCallback: (done, total) => {
      if (Date.now() - said < 1000) return;
      said = Date.now();
      process.stderr.write(`progress ${done} ${total}\n`);
    },
  });
  process.stdout.write(`${JSON.stringify({ executablePath: installed.executablePath, buildId })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
