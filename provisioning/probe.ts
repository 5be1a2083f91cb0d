// What a load host has, asked over SSH with one small POSIX shell script, and
// whether that is enough to run an agent.
import { BROWSER_CANDIDATES } from '../src/browser-path.js';

export const MIN_NODE_MAJOR = 20;
export const MIN_FREE_DISK_MB = 200;

export interface HostProbe {
  home: string;
  os: string;
  arch: string;
  cores: number;
  memoryMb: number;
  node?: string;
  chromiumPath?: string;
  chromiumVersion?: string;
  diskFreeMb: number;
  /** the agent starts detached from its SSH session through it */
  setsid: boolean;
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function probeScript(node: string, browserPath?: string): string {
  const candidates = (browserPath ? [browserPath] : BROWSER_CANDIDATES).map(shellQuote).join(' ');
  return [
    'echo "home=$HOME"',
    `os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"); echo "os=\${os:-$(uname -s)} ($(uname -r))"`,
    'echo "arch=$(uname -m)"',
    'echo "cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
    `echo "memory_mb=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)"`,
    `echo "node=$(${node} --version 2>/dev/null)"`,
    `for p in ${candidates}; do if [ -x "$p" ] && [ -f "$p" ]; then echo "chromium_path=$p"; echo "chromium_version=$("$p" --version 2>/dev/null | head -n 1)"; break; fi; done`,
    'echo "setsid=$(command -v setsid)"',
    `echo "disk_free_mb=$(df -Pk "$HOME" | awk 'NR==2 {print int($4/1024)}')"`,
  ].join('\n');
}

export function parseProbe(output: string): HostProbe {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const text = (key: string) => values.get(key) || undefined;
  return {
    home: text('home') ?? '',
    os: text('os') ?? 'unknown',
    arch: text('arch') ?? 'unknown',
    cores: Number(text('cores') ?? 0),
    memoryMb: Number(text('memory_mb') ?? 0),
    ...(text('node') ? { node: text('node') } : {}),
    ...(text('chromium_path') ? { chromiumPath: text('chromium_path') } : {}),
    ...(text('chromium_version') ? { chromiumVersion: text('chromium_version') } : {}),
    diskFreeMb: Number(text('disk_free_mb') ?? 0),
    setsid: text('setsid') !== undefined,
  };
}

/** Why an agent cannot run there; empty when it can. */
export function probeProblems(probe: HostProbe, browserPath?: string): string[] {
  const problems: string[] = [];
  const major = Number(/^v(\d+)\./.exec(probe.node ?? '')?.[1] ?? 0);
  if (!probe.node) problems.push(`no Node.js (need ${MIN_NODE_MAJOR} or later; set "node" in the hosts file if it is off the PATH)`);
  else if (major < MIN_NODE_MAJOR) problems.push(`Node.js ${probe.node} is too old (need ${MIN_NODE_MAJOR} or later)`);
  if (!probe.chromiumPath) {
    problems.push(browserPath ? `no Chromium at ${browserPath}` : 'no Chromium (install the chromium-headless-shell package)');
  }
  if (!probe.setsid) problems.push('no setsid (util-linux or BusyBox) to run the agent apart from its SSH session');
  if (probe.diskFreeMb < MIN_FREE_DISK_MB) problems.push(`only ${probe.diskFreeMb} MB free in ${probe.home} (need ${MIN_FREE_DISK_MB})`);
  return problems;
}
