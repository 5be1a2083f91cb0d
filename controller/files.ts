// Folders and files the user names (--out, --db, the known_hosts file),
// made and checked without surprises. Node 20's recursive mkdirSync spins
// forever on a path under /proc; this one walks the path itself and fails
// with the reason.
import { existsSync, mkdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Modes of what squall writes for a run: reports and evidence may hold
 * screenshots of logged-in pages and URLs with tokens, so only their owner
 * reads them.
 */
export const PRIVATE_FOLDER = 0o700;
export const PRIVATE_FILE = 0o600;

/** The folders of `path` that do not exist yet, outermost first. */
function missingFolders(path: string): string[] {
  const missing: string[] = [];
  for (let dir = path; !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  return missing;
}

/**
 * Creates `path` and every missing folder above it; returns the folders it
 * made itself (one that another process made meanwhile is not among them).
 * Throws the first error the file system gives.
 */
export function makeDirectory(path: string, mode?: number): string[] {
  const made: string[] = [];
  for (const folder of missingFolders(path)) {
    try {
      mkdirSync(folder, mode === undefined ? undefined : { mode });
      made.push(folder);
    } catch (error) {
      const raced = (error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(folder).isDirectory();
      if (!raced) throw error;
    }
  }
  if (!statSync(path).isDirectory()) throw Object.assign(new Error(`${path} is not a folder`), { code: 'ENOTDIR' });
  return made;
}

/**
 * Why no file could be written in folder `path`, or undefined when one can:
 * proven by creating the missing folders and a file, and removing them again.
 */
export function unwritableDirectory(path: string, show: (path: string) => string = (p) => p): string | undefined {
  let created: string[] = [];
  try {
    created = makeDirectory(path);
    const probe = join(path, `.squall-write-check-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
    return undefined;
  } catch (error) {
    return fileProblem(path, error, show);
  } finally {
    for (const folder of created.reverse()) removeEmptyFolder(folder);
  }
}

function removeEmptyFolder(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // never made, or not empty: nothing of ours to remove
  }
}

/** A file system error in words: what is wrong with `path`; `show` writes a path as the user reads it. */
export function fileProblem(path: string, error: unknown, show: (path: string) => string = (p) => p): string {
  const code = (error as NodeJS.ErrnoException).code;
  const file = blockingFile(path);
  if (code === 'ENOTDIR' || code === 'EEXIST') return file ? `${show(file)} is a file, not a folder` : 'is not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'not writable (permission denied)';
  if (code === 'EROFS') return 'on a read-only file system';
  if (code === 'ENOSPC') return 'no space left on the disk';
  if (code === 'ENOENT') return 'cannot be created there (no such file or directory)';
  return (error as Error).message;
}

/** The file that stands where a folder of `path` should be, if any. */
function blockingFile(path: string): string | undefined {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(dir)) return statSync(dir).isDirectory() ? undefined : dir;
  }
  return undefined;
}
