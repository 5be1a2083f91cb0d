// What the load host spends: whole-host CPU from /proc/stat, and the
// proportional set size (PSS) of browser processes from smaps_rollup, so
// memory shared between Chromium processes is counted once.
import { readdirSync, readFileSync } from 'node:fs';

export function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Host CPU use in % between two cpuTicks() readings. */
export function cpuPercent(from: { busy: number; total: number }, to: { busy: number; total: number }): number {
  const total = to.total - from.total;
  return total > 0 ? (100 * (to.busy - from.busy)) / total : 0;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
  /** user + system CPU so far, in clock ticks */
  ticks: number;
}

/** ppid and CPU ticks from /proc/<pid>/stat; throws when the process has ended. */
function statOf(pid: number): { ppid: number; ticks: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: the fields after the last ')' are
  // state, ppid, …; utime and stime (fields 14 and 15 of stat) are the 12th and 13th of them.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** Every process on the machine: its parent, command line and CPU ticks so far. */
export function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const pid = Number(entry);
      const { ppid, ticks } = statOf(pid);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      list.push({ pid, ppid, cmdline, ticks });
    } catch {
      // the process ended meanwhile
    }
  }
  return list;
}

export function descendants(root: number): ProcessInfo[] {
  const all = processes();
  const children = new Map<number, ProcessInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** PSS in MB of every Chromium process below `root` (this process by default). */
export function browserPssMb(root = process.pid): { mb: number; processes: number } {
  const browsers = descendants(root).filter((p) => /chrom/i.test(p.cmdline.split(' ')[0] ?? ''));
  return { mb: browsers.reduce((sum, p) => sum + pssKb(p.pid), 0) / 1024, processes: browsers.length };
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU ticks of every process below `root` (and `root` itself with `withRoot`) but those `exclude` matches, by pid. */
export function treeCpuTicks(root: number, exclude: RegExp, withRoot = false): Map<number, number> {
  const ticks = new Map(descendants(root).filter((p) => !exclude.test(p.cmdline)).map((p) => [p.pid, p.ticks]));
  if (withRoot) {
    try {
      ticks.set(root, statOf(root).ticks);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** Clock ticks (of /proc/<pid>/stat or /proc/stat) in ms. */
export function ticksToMs(ticks: number): number {
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU ms the tree spent between two readings: a process that started in
 * between counts from zero; one that ended in between loses what it spent
 * (the load generator's agent and browsers live through a measured span).
 */
export function treeCpuMs(from: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of to) ticks += now - (from.get(pid) ?? 0);
  return ticksToMs(ticks);
}
