// Which store errors are the disk's, not squall's: a full or read-only file
// system, an I/O error, a store file gone, a store another squall holds
// locked longer than the busy timeout. A run keeps its load going
// through them (windows held in memory, saving retried); anything else is a bug.

const SQLITE_DISK_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED)/;
const FS_CODES = new Set(['ENOSPC', 'EROFS', 'EIO', 'EDQUOT', 'ENOENT', 'EACCES', 'EPERM']);

/** A short reason when `error` is the disk's ("database or disk is full (SQLITE_FULL)"), else undefined. */
export function storeWriteProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (!SQLITE_DISK_CODES.test(code) && !FS_CODES.has(code)) return undefined;
  const message = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : code;
  return `${message} (${code})`;
}
