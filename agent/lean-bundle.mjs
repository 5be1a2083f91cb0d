// What the agent bundle leaves out of puppeteer-core and @puppeteer/browsers.
// The agent drives Chromium over CDP through a pipe and launches it itself:
// WebDriver BiDi (chromium-bidi) and downloading browsers (proxy agents, a
// PAC-script interpreter compiled to WebAssembly, an FTP client, yargs) are
// never used, and parsing them cost every agent and every VU worker thread
// about a third of their start. scripts/build.mjs puts this module in place of
// puppeteer's BiDi entry points and of @puppeteer/browsers' index.
export {
  launch,
  computeExecutablePath,
  computeSystemExecutablePath,
  TimeoutError,
  CDP_WEBSOCKET_ENDPOINT_REGEX,
  WEBDRIVER_BIDI_WEBSOCKET_ENDPOINT_REGEX,
  Process,
} from '../node_modules/@puppeteer/browsers/lib/esm/launch.js';
export { detectBrowserPlatform } from '../node_modules/@puppeteer/browsers/lib/esm/detectPlatform.js';
export {
  resolveBuildId,
  Browser,
  BrowserPlatform,
  ChromeReleaseChannel,
  createProfile,
  getVersionComparator,
  resolveDefaultUserDataDir,
} from '../node_modules/@puppeteer/browsers/lib/esm/browser-data/browser-data.js';

function leftOut(what) {
  return () => {
    throw new Error(`${what} is not part of squall's agent bundle`);
  };
}

export const getInstalledBrowsers = leftOut('@puppeteer/browsers getInstalledBrowsers');
export const uninstall = leftOut('@puppeteer/browsers uninstall');
export const _connectToBiDiBrowser = leftOut('WebDriver BiDi');

/** @puppeteer/browsers' HTTP helper (for downloads) builds one; the agent never downloads. */
export class ProxyAgent {
  constructor() {
    throw new Error("proxy-agent is not part of squall's agent bundle");
  }
}
