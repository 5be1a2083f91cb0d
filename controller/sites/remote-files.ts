// A host's run folder and content-addressed cache: files go to
// <workDir>/cache/<sha256>-<name> (skipped when there; by SFTP, or the exec
// channel) and are linked into <workDir>/runs/<run>-<agent>, which cleanup removes.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { agentNode, RUNTIME_NODE, shellFileOfSize, shellQuote } from '../../provisioning/probe.js';
import { HostError } from '../ssh/connection.js';
import { openTransfer, placeIfWhole } from '../ssh/transfer.js';
import type { ConnectedHost } from './probe-hosts.js';
import type { SiteFile } from './site.js';

export interface UploadSummary {
  runDir: string;
  uploaded: number;
  skipped: number;
  bytes: number;
  /** when the probe found every file cached: the shell command that makes the run folder and its links, for the agent's start to run first */
  prelude?: string;
}

export function absoluteWorkDir(host: ConnectedHost): string {
  const dir = host.host.workDir.replace(/^~\/?/, '');
  return posix.isAbsolute(dir) ? dir : posix.join(host.probe.home, dir);
}

/** The node that runs squall's programs there: the host's own when new enough, else the one `hosts prepare` installed. */
export function nodeCommandOf(host: ConnectedHost): string {
  return agentNode(host.probe) === 'runtime' ? posix.join(absoluteWorkDir(host), RUNTIME_NODE) : host.host.node;
}

export function runDirOf(connected: ConnectedHost, runId: string, agentId: string): string {
  return posix.join(absoluteWorkDir(connected), 'runs', `${runId}-${agentId.replace(/[^A-Za-z0-9._-]/g, '_')}`);
}

export function cacheNameOf(file: Pick<SiteFile, 'hash' | 'name'>): string {
  return `${file.hash}-${file.name}`;
}

/** The host's content-addressed cache folder. */
export function cacheDirOf(connected: ConnectedHost): string {
  return posix.join(absoluteWorkDir(connected), 'cache');
}

/** Where a file lives in the host's content-addressed cache. */
export function cachePathOf(connected: ConnectedHost, file: Pick<SiteFile, 'hash' | 'name'>): string {
  return posix.join(cacheDirOf(connected), cacheNameOf(file));
}

/**
 * Makes sure the host's cache holds `files`, sending only the missing ones,
 * and runs `then` (a shell command per file, given its cache path) for each.
 * When the cache has them all, that is one round trip.
 */
export async function ensureCached(
  connected: ConnectedHost,
  files: readonly SiteFile[],
  then: (file: SiteFile, cached: string) => string,
  onBytes?: (file: SiteFile, sent: number) => void,
): Promise<{ uploaded: number; skipped: number; bytes: number }> {
  const { connection, host } = connected;
  const cacheDir = cacheDirOf(connected);
  const look = await connection.run(
    [
      `mkdir -p ${shellQuote(cacheDir)} || exit 1`,
      ...files.map((file, i) => {
        const cached = cachePathOf(connected, file);
        return `if ${shellFileOfSize(shellQuote(cached), file.size)}; then ${then(file, cached)} || exit 1; else echo missing=${i}; fi`;
      }),
    ].join('\n'),
  );
  if (look.code !== 0) throw new HostError(host.name, 'upload', `cannot prepare ${cacheDir}: ${look.stderr.trim()}`);
  const missing = [...look.stdout.matchAll(/^missing=(\d+)$/gm)].map((m) => files[Number(m[1])]!);
  const summary = { uploaded: 0, skipped: files.length - missing.length, bytes: 0 };
  if (missing.length === 0) return summary;
  const sent = await sendToCache(connected, missing, { makeDir: false, ...(onBytes ? { onBytes } : {}) });
  const placed = await connection.run(missing.map((file) => then(file, cachePathOf(connected, file))).join(' && '));
  if (placed.code !== 0) throw new HostError(host.name, 'upload', placed.stderr.trim());
  return { uploaded: sent.uploaded, skipped: summary.skipped + sent.skipped, bytes: sent.bytes };
}

/** Sends `files` into the host's cache (made first with `makeDir`), by SFTP or the exec channel, all at once. */
async function sendToCache(
  connected: ConnectedHost,
  files: readonly SiteFile[],
  options: { makeDir: boolean; onBytes?: (file: SiteFile, sent: number) => void },
): Promise<{ uploaded: number; skipped: number; bytes: number }> {
  const cacheDir = cacheDirOf(connected);
  const transfer = await openTransfer(connected.connection, connected.transfer);
  // Found once: a later upload to this host (prepare sends node, then the run its files) does not try SFTP again.
  connected.transfer ??= transfer.kind;
  const { onBytes } = options;
  try {
    if (options.makeDir) await transfer.makeDir(cacheDir);
    // At once: each upload is a few round trips of its own (stat, open, close, rename), which a far host makes long.
    const sent = await Promise.all(files.map((file) => transfer.upload(file, cacheDir, cacheNameOf(file), onBytes && ((bytes) => onBytes(file, bytes)))));
    return {
      uploaded: sent.filter((one) => !one.skipped).length,
      skipped: sent.filter((one) => one.skipped).length,
      bytes: sent.reduce((sum, one) => sum + one.bytes, 0),
    };
  } finally {
    transfer.end();
  }
}

/**
 * Files missing from a host's cache that together are at most this size go
 * inside the agent's start command (base64, sha256-checked there) instead of
 * over SFTP: an edited scenario then costs no SFTP session and no command of
 * its own (two login shells and ~14 round trips to a far host). Its base64
 * stays well under Linux's 128 kB for one argument, so the start still fits
 * an exec of its own when the probe's shell is gone.
 */
export const INLINE_BYTES = 64 * 1024;

/**
 * Creates the run folder and puts `files` in it, through the cache. When the
 * probe already found every file cached, nothing is sent and no command run:
 * the folder and its links come with the agent's start (`prelude`). With
 * `intoStart` (the caller runs the prelude in the agent's start), missing files
 * small enough (INLINE_BYTES) come with it too, and larger ones are sent without
 * a command of their own before or after: the probe said which are missing,
 * and the links wait for the start.
 */
export async function uploadRunFiles(connected: ConnectedHost, files: readonly SiteFile[], runDir: string, options: { intoStart?: boolean } = {}): Promise<UploadSummary> {
  const mkdir = `mkdir -p ${shellQuote(runDir)}`;
  const link = (file: SiteFile, cached: string) => `${mkdir} && ln -sf ${shellQuote(cached)} ${shellQuote(posix.join(runDir, file.name))}`;
  const links = () => files.map((file) => link(file, cachePathOf(connected, file)));
  const missing = files.filter((file) => !connected.probe.cached.includes(cacheNameOf(file)));
  if (missing.length === 0) return { runDir, uploaded: 0, skipped: files.length, bytes: 0, prelude: links().join(' && ') };
  if (!options.intoStart) return { runDir, ...(await ensureCached(connected, files, link)) };
  const missingBytes = missing.reduce((sum, file) => sum + file.size, 0);
  if (missingBytes <= INLINE_BYTES) {
    const cacheDir = shellQuote(cacheDirOf(connected));
    const writes = missing.map((file) => inlineWrite(file, cachePathOf(connected, file)));
    return { runDir, uploaded: missing.length, skipped: files.length - missing.length, bytes: missingBytes, prelude: [`mkdir -p ${cacheDir}`, ...writes, ...links()].join(' && ') };
  }
  const sent = await sendToCache(connected, missing, { makeDir: true });
  return { runDir, uploaded: sent.uploaded, skipped: files.length - missing.length + sent.skipped, bytes: sent.bytes, prelude: links().join(' && ') };
}

/** A shell command that writes `file` at `cached` from the base64 it holds, whole or not at all. */
function inlineWrite(file: SiteFile, cached: string): string {
  const partial = shellQuote(`${cached}.partial-${randomBytes(6).toString('hex')}`);
  const content = readFileSync(file.path).toString('base64');
  return `printf '%s' '${content}' | base64 -d > ${partial} && ${placeIfWhole(partial, shellQuote(cached), file.hash)}`;
}
