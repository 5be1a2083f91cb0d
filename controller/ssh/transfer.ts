// How files reach a host: by SFTP where the host has the subsystem, else over
// a plain exec channel (as Ansible's smart transfer falls back to), with a
// hash check on arrival. Either way into the same content-addressed cache.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { shellQuote } from '../../provisioning/probe.js';
import type { SFTPWrapper } from 'ssh2';
import { HostError, type SshConnection } from './connection.js';
import { uploadByHash, type UploadResult } from './upload.js';

export type TransferKind = 'sftp' | 'exec';

export interface LocalFileRef {
  path: string;
  size: number;
  /** sha256, hex */
  hash: string;
}

export interface Transfer {
  readonly kind: TransferKind;
  /** Puts the file at `cacheDir/fileName` unless a file of its size is there already; `onBytes` hears the bytes sent so far. */
  upload(file: LocalFileRef, cacheDir: string, fileName: string, onBytes?: (sent: number) => void): Promise<UploadResult>;
  /** Makes the folder (an absolute path) and its parents where missing, as `mkdir -p` does. */
  makeDir(path: string): Promise<void>;
  end(): void;
}

/** SFTP when the host's sshd starts the subsystem, exec otherwise: what openTransfer would choose. */
export async function transferKindOf(connection: SshConnection): Promise<TransferKind> {
  const transfer = await openTransfer(connection);
  transfer.end();
  return transfer.kind;
}

/** `kind` undefined: SFTP when the host's sshd starts the subsystem, exec otherwise; the Transfer's kind says which (the caller keeps it). */
export async function openTransfer(connection: SshConnection, kind?: TransferKind): Promise<Transfer> {
  const hostName = connection.host.name;
  if (kind !== 'exec') {
    const sftp = await connection.sftp().catch((error: unknown) => {
      if (kind === 'sftp') throw error;
      return undefined;
    });
    if (sftp) {
      return {
        kind: 'sftp',
        upload: (file, cacheDir, fileName, onBytes) => uploadByHash(hostName, sftp, file.path, file.size, cacheDir, fileName, onBytes),
        makeDir: (path) => makeDirBySftp(hostName, sftp, path),
        end: () => sftp.end(),
      };
    }
  }
  return {
    kind: 'exec',
    upload: (file, cacheDir, fileName, onBytes) => uploadByExec(connection, file, `${cacheDir}/${fileName}`, onBytes),
    makeDir: async (path) => {
      const made = await connection.run(`mkdir -p ${shellQuote(path)}`);
      if (made.code !== 0) throw new HostError(hostName, 'upload', `cannot make ${path}: ${made.stderr.trim()}`);
    },
    end: () => {},
  };
}

/**
 * Every level at once, errors ignored (SFTP says only "failure" for a folder that exists), then
 * one look at the last: the server answers in order, so that is one round trip in all.
 */
async function makeDirBySftp(hostName: string, sftp: SFTPWrapper, path: string): Promise<void> {
  const levels = path.split('/').filter(Boolean).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`);
  for (const level of levels) sftp.mkdir(level, () => {});
  const isDir = await new Promise<boolean>((resolve) => sftp.stat(path, (error, stats) => resolve(!error && stats.isDirectory())));
  if (!isDir) throw new HostError(hostName, 'upload', `cannot make ${path} over SFTP`);
}

/** Streams the file into `cat` on the host, checks its sha256 there, then gives it its name. */
async function uploadByExec(connection: SshConnection, file: LocalFileRef, remotePath: string, onBytes?: (sent: number) => void): Promise<UploadResult> {
  const target = shellQuote(remotePath);
  const present = await connection.run(`[ -f ${target} ] && [ "$(wc -c < ${target})" -eq ${file.size} ] && echo present; true`);
  // A line of its own: the user's shell start-up may print before it.
  if (/^present$/m.test(present.stdout)) return { remotePath, skipped: true, bytes: 0 };
  // Unique per upload: two controllers filling one host's cache never write the same partial file.
  const partial = shellQuote(`${remotePath}.partial-${randomBytes(6).toString('hex')}`);
  const fail = (reason: string) => new HostError(connection.host.name, 'upload', `cannot upload to ${remotePath} over exec: ${reason}`);
  const receiver = await connection.exec(`cat > ${partial}`);
  const source = createReadStream(file.path);
  let bytes = 0;
  if (onBytes) source.on('data', (chunk) => onBytes((bytes += chunk.length)));
  const sent = await pipeline(source, receiver.channel).then(
    () => undefined,
    (error: unknown) => (error as Error).message,
  );
  const received = await receiver.exited;
  if (sent !== undefined || received.code !== 0) {
    await connection.run(`rm -f ${partial}`).catch(() => {});
    throw fail(receiver.stderr().trim() || sent || `cat exited with ${received.code}`);
  }
  const placed = await connection.run(`${placeIfWhole(partial, target, file.hash)} || exit 1`);
  if (placed.code !== 0) throw fail(placed.stderr.trim());
  return { remotePath, skipped: false, bytes: file.size };
}

/**
 * A shell command that gives `partial` the name `target` when its sha256 is `hash`, and otherwise
 * removes it, says so on stderr and fails. Both are shell words (quoted).
 */
export function placeIfWhole(partial: string, target: string, hash: string): string {
  // Through stdin: the hash line then holds only the hash, whatever the file's name.
  const sum = `h=$( (sha256sum < ${partial} || shasum -a 256 < ${partial}) 2>/dev/null | cut -d' ' -f1)`;
  return `{ ${sum}; if [ "$h" = ${hash} ]; then mv -f ${partial} ${target}; else rm -f ${partial}; echo "sha256 on arrival is \${h:-unknown}, not ${hash}" >&2; false; fi; }`;
}
