// A host's run folder and content-addressed cache: files go to
// <workDir>/cache/<sha256>-<name> (skipped when there; by SFTP, or the exec
// channel) and are linked into <workDir>/runs/<run>-<agent>, which cleanup removes.
import { posix } from 'node:path';
import { shellQuote } from '../../provisioning/probe.js';
import { HostError } from '../ssh/connection.js';
import { openTransfer } from '../ssh/transfer.js';
import type { ConnectedHost } from './probe-hosts.js';
import type { SiteFile } from './site.js';

export interface UploadSummary {
  runDir: string;
  uploaded: number;
  skipped: number;
  bytes: number;
}

function absoluteWorkDir(host: ConnectedHost): string {
  const dir = host.host.workDir.replace(/^~\/?/, '');
  return posix.isAbsolute(dir) ? dir : posix.join(host.probe.home, dir);
}

export function runDirOf(connected: ConnectedHost, runId: string, agentId: string): string {
  return posix.join(absoluteWorkDir(connected), 'runs', `${runId}-${agentId.replace(/[^A-Za-z0-9._-]/g, '_')}`);
}

/** Creates the run folder and puts `files` in it, through the cache. */
export async function uploadRunFiles(connected: ConnectedHost, files: readonly SiteFile[], runDir: string): Promise<UploadSummary> {
  const cacheDir = posix.join(absoluteWorkDir(connected), 'cache');
  const mkdir = await connected.connection.run(`mkdir -p ${shellQuote(cacheDir)} ${shellQuote(runDir)}`);
  if (mkdir.code !== 0) throw new HostError(connected.host.name, 'upload', `cannot create ${runDir}: ${mkdir.stderr.trim()}`);
  const transfer = await openTransfer(connected.connection, connected.transfer);
  const summary: UploadSummary = { runDir, uploaded: 0, skipped: 0, bytes: 0 };
  try {
    const links: string[] = [];
    for (const file of files) {
      const cached = await transfer.upload(file, cacheDir, `${file.hash}-${file.name}`);
      if (cached.skipped) summary.skipped += 1;
      else summary.uploaded += 1;
      summary.bytes += cached.bytes;
      links.push(`ln -sf ${shellQuote(cached.remotePath)} ${shellQuote(posix.join(runDir, file.name))}`);
    }
    const linked = await connected.connection.run(links.join(' && '));
    if (linked.code !== 0) throw new HostError(connected.host.name, 'upload', `cannot link files in ${runDir}: ${linked.stderr.trim()}`);
  } finally {
    transfer.end();
  }
  return summary;
}
