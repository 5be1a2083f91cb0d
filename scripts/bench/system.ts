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

interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: ppid is the 2nd field after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      list.push({ pid: Number(entry), ppid, cmdline });
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
  const ticks = new Map<number, number>();
  const pids = [...(withRoot ? [root] : []), ...descendants(root).filter((p) => !exclude.test(p.cmdline)).map((p) => p.pid)];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime: fields 14 and 15 of stat, the 12th and 13th after the command name.
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/**
 * CPU ms the tree spent between two readings: a process that started in
 * between counts from zero; one that ended in between loses what it spent
 * (the load generator's agent and browsers live through a measured span).
 */
export function treeCpuMs(from: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of to) ticks += now - (from.get(pid) ?? 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** User + system CPU ticks and the command line of every process on the machine, by pid. */
export function processCpuTicks(): Map<number, { ticks: number; cmdline: string }> {
  const found = new Map<number, { ticks: number; cmdline: string }>();
  for (const { pid, cmdline } of processes()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(pid, { ticks: Number(fields[11]) + Number(fields[12]), cmdline });
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}
