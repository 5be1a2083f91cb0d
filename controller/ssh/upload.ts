// Content-addressed upload: a file is stored on the host under its sha256, so
// a file the host already has is never sent again. A partial upload never
// gets the final name (upload to a temporary name, then rename).
import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { HostError } from './connection.js';

export interface UploadResult {
  remotePath: string;
  skipped: boolean;
  bytes: number;
}

function stat(sftp: SFTPWrapper, path: string): Promise<{ size: number } | undefined> {
  return new Promise((resolve) => sftp.stat(path, (error, stats) => resolve(error ? undefined : { size: stats.size })));
}

function rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // POSIX rename replaces atomically; plain SFTP rename refuses an existing target.
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    try {
      sftp.ext_openssh_rename(from, to, done);
    } catch {
      sftp.rename(from, to, done);
    }
  });
}

export async function uploadByHash(
  hostName: string,
  sftp: SFTPWrapper,
  localPath: string,
  localSize: number,
  cacheDir: string,
  fileName: string,
  onBytes?: (sent: number) => void,
): Promise<UploadResult> {
  const remotePath = `${cacheDir}/${fileName}`;
  const existing = await stat(sftp, remotePath);
  if (existing?.size === localSize) return { remotePath, skipped: true, bytes: 0 };
  const partial = `${remotePath}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await new Promise<void>((resolve, reject) => sftp.fastPut(localPath, partial, onBytes ? { step: (sent) => onBytes(sent) } : {}, (error) => (error ? reject(error) : resolve())));
    await rename(sftp, partial, remotePath);
  } catch (error) {
    sftp.unlink(partial, () => {});
    throw new HostError(hostName, 'upload', `cannot upload to ${remotePath}: ${(error as Error).message}`);
  }
  return { remotePath, skipped: false, bytes: localSize };
}
