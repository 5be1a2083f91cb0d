// Phase 2: where the agents run. No hosts: the local site. Hosts: every one
// connected, probed and sent the bundles, unusable ones refused (or left out
// under --min-hosts) before any load starts.
import { statSync } from 'node:fs';
import type { Io } from '../../src/io.js';
import { agentBundleFile } from '../bundle.js';
import { counted, formatSeconds } from '../format.js';
import { localSite } from '../sites/local.js';
import { DEFAULT_NODE_MIRROR } from '../prepare/mirrors.js';
import type { AgentSite } from '../sites/site.js';
import type { PreparedRun } from './prepare.js';

export interface OpenedSites {
  sites: AgentSite[];
  /** hosts left out under --min-hosts, with the reason */
  excluded: Array<{ name: string; error: string }>;
}

export async function openSites(prepared: PreparedRun, io: Io): Promise<OpenedSites> {
  const { request, bundle } = prepared;
  if (!request.hosts) return { sites: [localSite(request.browserPath)], excluded: [] };
  // SSH loads only for runs on hosts.
  const { prepareRemoteSites } = await import('../sites/remote-prepare.js');
  const remote = await prepareRemoteSites(
    {
      hostsFile: request.hosts,
      acceptNewHostKeys: request.acceptNewHostKeys ?? false,
      ...(request.minHosts !== undefined ? { minHosts: request.minHosts } : {}),
      runId: prepared.runId,
      prepare:
        request.prepare === false
          ? false
          : {
              nodeSource: request.nodeFrom ?? 'auto',
              nodeMirror: request.nodeMirror ?? DEFAULT_NODE_MIRROR,
              chromiumSource: request.chromiumFrom ?? 'auto',
              ...(request.chromeMirror ? { chromeMirror: request.chromeMirror } : {}),
            },
      files: [agentBundleFile(), { name: 'scenario.mjs', path: bundle.path, hash: bundle.hash, size: statSync(bundle.path).size }, ...bundle.dataFiles],
    },
    io,
  );
  io.err(
    `${counted(remote.sites.length, 'host')} connected and checked in ${formatSeconds(remote.connectMs)}; ` +
      `bundles uploaded in ${formatSeconds(remote.uploadMs)} (${remote.uploaded} files sent, ${remote.skipped} already there)\n`,
  );
  return remote;
}

/** Everything of the run left on any site is killed and removed; what could not be is said. */
export async function cleanUpSites(sites: readonly AgentSite[], io: Io): Promise<void> {
  const problems = (await Promise.all(sites.map((site) => site.cleanup()))).flat();
  for (const problem of problems) io.err(`cleanup: ${problem}\n`);
}
