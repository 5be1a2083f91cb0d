// The wild site (wild-site-server.ts) in a process of its own, as a target is
// on another machine: the test's own puppeteer traffic cannot delay its
// answers, so a TTFB compares with what the server itself took.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WILD_DELAYS_MS, WildSiteState } from './wild-site-server.js';

export { WILD_DELAYS_MS } from './wild-site-server.js';

export interface WildSite {
  /** the app's origin (127.0.0.1) */
  url: string;
  /** the API's origin (127.0.0.2): another origin, no Timing-Allow-Origin */
  apiUrl: string;
  /** a port nothing listens on: a request to it is refused */
  refusedUrl: string;
  /** served requests by "METHOD origin/path" */
  hits(): Promise<Record<string, number>>;
  /** how long the server itself took for each request of a delayed route, in order */
  serverMs(route: keyof typeof WILD_DELAYS_MS): Promise<number[]>;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./wild-site-main.ts', import.meta.url));

export async function startWildSite(): Promise<WildSite> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the wild site exited (${code}) before it listened`)));
  });
  const { url, apiUrl, refusedUrl } = JSON.parse(first) as { url: string; apiUrl: string; refusedUrl: string };
  const state = async () => (await (await fetch(`${url}/__state`)).json()) as WildSiteState;
  return {
    url,
    apiUrl,
    refusedUrl,
    hits: async () => (await state()).hits,
    serverMs: async (route) => (await state()).serverMs[route],
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What a report's requests must say of the site: by label, requests by method, from the servers' own counts. */
export function servedByLabel(hits: Record<string, number>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [key, n] of Object.entries(hits)) {
    const [method, label] = key.split(' ') as [string, string];
    out[label] = { ...out[label], [method]: (out[label]?.[method] ?? 0) + n };
  }
  return out;
}

/**
 * The report's side of the same: by label, requests by method the servers must
 * have seen, i.e. less those answered from the cache or that never got there
 * (on this site, only GETs are cached or refused).
 */
export function reportedServed(requests: ReadonlyArray<{ label: string; methods?: Record<string, number>; cached: number; statuses: Partial<Record<string, number>> }>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of requests) {
    const methods = { ...r.methods };
    const unserved = r.cached + (r.statuses.failed ?? 0);
    if (unserved > 0) methods.GET = (methods.GET ?? 0) - unserved;
    for (const [method, n] of Object.entries(methods)) if (n === 0) delete methods[method];
    if (Object.keys(methods).length > 0) out[r.label] = methods;
  }
  return out;
}
