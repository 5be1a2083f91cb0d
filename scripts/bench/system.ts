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
