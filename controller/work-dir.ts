// Scratch folders of a command (the scenario's bundle, calibration's files):
// private (mkdtemp, 0700), removed when the command ends however it ends, and
// when it could not (kill -9, a power cut) removed by the next squall command
// on this machine, which finds their owner gone.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'squall-';
const OWNER_FILE = '.squall-owner';

/** A new private scratch folder named after `kind`; stale ones of earlier commands are swept first. */
export function makeWorkDir(kind: string, parent: string = tmpdir()): string {
  sweepStaleWorkDirs(parent);
  const dir = mkdtempSync(join(parent, `${PREFIX}${kind}-`));
  writeFileSync(join(dir, OWNER_FILE), `${hostname()} ${process.pid}\n`, { mode: 0o600 });
  return dir;
}

/** Removes scratch folders whose owner, a process on this host, is gone; returns them. */
export function sweepStaleWorkDirs(parent: string = tmpdir()): string[] {
  const swept: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(PREFIX));
  } catch {
    return swept;
  }
  for (const name of names) {
    const dir = join(parent, name);
    const owner = ownerOf(dir);
    // Folders of other hosts (a shared TMPDIR) or without an owner file (another tool's) are not ours to judge.
    if (!owner || owner.host !== hostname() || isAlive(owner.pid)) continue;
    rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}

function ownerOf(dir: string): { host: string; pid: number } | undefined {
  try {
    const [host, pid] = readFileSync(join(dir, OWNER_FILE), 'utf8').trim().split(' ');
    return host && Number.isInteger(Number(pid)) ? { host, pid: Number(pid) } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
