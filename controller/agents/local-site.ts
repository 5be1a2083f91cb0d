// The embedded default site: one agent on this machine.
import { findBrowser } from '../../agent/browser-path.js';
import { UserError } from '../../src/errors.js';
import { startLocalAgent } from './local.js';
import type { AgentSite } from './site.js';

export function localSite(browserPath?: string): AgentSite {
  const browser = findBrowser(browserPath);
  if ('error' in browser) throw new UserError(browser.error);
  return {
    id: 'local',
    host: 'localhost',
    weight: 1,
    start: async (config) => startLocalAgent({ ...config, browserPath: browser.path }),
    // The agent is a child process: once it exited, nothing of it is left.
    cleanup: async () => [],
  };
}
