// What a load host has, asked over SSH with one small POSIX shell script, and
// whether that is enough to run an agent.
import { BROWSER_CANDIDATES } from '../src/browser-path.js';

export const MIN_NODE_MAJOR = 20;
export const MIN_FREE_DISK_MB = 200;
/** Where `hosts prepare` puts a Node.js runtime, under the host's work folder. */
export const RUNTIME_NODE = 'runtime/node';
/** Where `hosts prepare` links the Chrome for Testing headless shell it fetched. */
export const RUNTIME_CHROMIUM = 'runtime/chrome-headless-shell';

export interface HostProbe {
  home: string;
  os: string;
  /** /etc/os-release ID: debian, ubuntu, amzn, … */
  osId?: string;
  arch: string;
  /** "glibc 2.36", "musl", or absent when neither could be told */
  libc?: string;
  cores: number;
  memoryMb: number;
  /** the version of the host's own node (the hosts file's `node`, or node on the PATH) */
  node?: string;
  /** the version of the runtime `hosts prepare` installed, when there is one */
  runtimeNode?: string;
  chromiumPath?: string;
  chromiumVersion?: string;
  diskFreeMb: number;
  /** the agent starts detached from its SSH session through it */
  setsid: boolean;
  root: boolean;
  /** sudo without a password */
  sudo: boolean;
  /** apt-get, dnf, yum or apk */
  packager?: string;
  /** curl or wget, for downloads on the host itself */
  fetcher?: 'curl' | 'wget';
  /** of the files the probe was asked about, those its cache holds whole (by cache file name) */
  cached: string[];
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A path in the work folder as a shell word that means the same wherever the shell is: a relative work folder is under $HOME. */
export function inWorkDir(workDir: string, path: string): string {
  const dir = workDir.replace(/^~\/?/, '').replace(/\/+$/, '');
  const full = dir === '' ? path : `${dir}/${path}`;
  return full.startsWith('/') ? shellQuote(full) : `"$HOME"/${shellQuote(full)}`;
}

/** A shell test: `file` (a shell word) is a regular file of exactly `size` bytes; a cache file's name carries its hash, so that is a whole copy. */
export function shellFileOfSize(file: string, size: number): string {
  return `[ -f ${file} ] && [ "$(wc -c < ${file})" -eq ${size} ]`;
}

/** A file the probe looks for in the host's cache: `<hash>-<name>`, whole when it has this size. */
export interface CacheLook {
  cacheName: string;
  size: number;
}

/**
 * `chromiumVersion`: also ask Chromium its version, for `hosts check` to show;
 * a run does not need it (the agent reports its browser's version) and its
 * start-up costs about 70 ms of the host's CPU, half the probe's.
 */
export function probeScript(node: string, browserPath?: string, workDir = '.squall', cacheLooks: readonly CacheLook[] = [], chromiumVersion = false): string {
  // Absolute, so the agent (which runs in its run folder) can use what the probe reports.
  const candidates = browserPath ? shellQuote(browserPath) : [...BROWSER_CANDIDATES.map(shellQuote), inWorkDir(workDir, RUNTIME_CHROMIUM)].join(' ');
  const runtime = inWorkDir(workDir, RUNTIME_NODE);
  return [
    'echo "home=$HOME"',
    `os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"); echo "os=\${os:-$(uname -s)} ($(uname -r))"`,
    'echo "os_id=$(. /etc/os-release 2>/dev/null && echo "$ID")"',
    'echo "arch=$(uname -m)"',
    'echo "libc=$(getconf GNU_LIBC_VERSION 2>/dev/null || { ls /lib/ld-musl-* >/dev/null 2>&1 && echo musl; })"',
    'echo "cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
    `echo "memory_mb=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)"`,
    `echo "node=$(${node} --version 2>/dev/null)"`,
    `echo "runtime_node=$([ -x ${runtime} ] && ${runtime} --version 2>/dev/null)"`,
    `for p in ${candidates}; do if [ -x "$p" ] && [ -f "$p" ]; then echo "chromium_path=$p"; ${chromiumVersion ? 'echo "chromium_version=$("$p" --version 2>/dev/null | head -n 1)"; ' : ''}break; fi; done`,
    'echo "setsid=$(command -v setsid)"',
    'echo "uid=$(id -u)"',
    'echo "sudo=$(command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && echo yes)"',
    'echo "packager=$(for p in apt-get dnf yum apk; do command -v $p >/dev/null 2>&1 && { echo $p; break; }; done)"',
    'echo "fetcher=$(for f in curl wget; do command -v $f >/dev/null 2>&1 && { echo $f; break; }; done)"',
    `echo "disk_free_mb=$(df -Pk "$HOME" | awk 'NR==2 {print int($4/1024)}')"`,
    // The run's files in the cache, asked here so that a warm host costs no round trip more for them.
    ...cacheLooks.map(({ cacheName, size }) => {
      return `if ${shellFileOfSize(inWorkDir(workDir, `cache/${cacheName}`), size)}; then echo ${shellQuote(`cached=${cacheName}`)}; fi`;
    }),
  ].join('\n');
}

export function parseProbe(output: string): HostProbe {
  const values = new Map<string, string>();
  const cached: string[] = [];
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    if (line.startsWith('cached=')) cached.push(line.slice(eq + 1).trim());
    else values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const text = (key: string) => values.get(key) || undefined;
  const optional = <K extends keyof HostProbe>(field: K, key: string) => (text(key) ? { [field]: text(key) } : {});
  return {
    home: text('home') ?? '',
    os: text('os') ?? 'unknown',
    ...optional('osId', 'os_id'),
    arch: text('arch') ?? 'unknown',
    ...optional('libc', 'libc'),
    cores: Number(text('cores') ?? 0),
    memoryMb: Number(text('memory_mb') ?? 0),
    ...optional('node', 'node'),
    ...optional('runtimeNode', 'runtime_node'),
    ...optional('chromiumPath', 'chromium_path'),
    ...optional('chromiumVersion', 'chromium_version'),
    diskFreeMb: Number(text('disk_free_mb') ?? 0),
    setsid: text('setsid') !== undefined,
    root: text('uid') === '0',
    sudo: text('sudo') === 'yes',
    ...optional('packager', 'packager'),
    ...(text('fetcher') === 'curl' || text('fetcher') === 'wget' ? { fetcher: text('fetcher') as 'curl' | 'wget' } : {}),
    cached,
  };
}

export function nodeMajor(version: string | undefined): number {
  return Number(/^v(\d+)\./.exec(version ?? '')?.[1] ?? 0);
}

/** Which node runs the agent: the host's own when it is new enough, else the runtime `hosts prepare` installed. */
export function agentNode(probe: HostProbe): 'host' | 'runtime' | undefined {
  if (nodeMajor(probe.node) >= MIN_NODE_MAJOR) return 'host';
  if (nodeMajor(probe.runtimeNode) >= MIN_NODE_MAJOR) return 'runtime';
  return undefined;
}

/** What would still stop an agent once `hosts prepare` installed what it can. */
export function problemsPrepareLeaves(probe: HostProbe, browserPath?: string): string[] {
  const installed = { ...probe, runtimeNode: agentNode(probe) ? probe.runtimeNode : `v${MIN_NODE_MAJOR}.0.0`, chromiumPath: probe.chromiumPath ?? '(to be installed)' };
  return [...(browserPath && !probe.chromiumPath ? [`no Chromium at ${browserPath} (the hosts file's browserPath; without it, squall hosts prepare installs one)`] : []), ...probeProblems(installed)];
}

/** Why an agent cannot run there; empty when it can. */
export function probeProblems(probe: HostProbe, browserPath?: string): string[] {
  const problems: string[] = [];
  if (!agentNode(probe)) {
    const hint = 'squall hosts prepare installs it; or set "node" in the hosts file if it is off the PATH';
    problems.push(probe.node ? `Node.js ${probe.node} is too old (need ${MIN_NODE_MAJOR} or later; ${hint})` : `no Node.js (need ${MIN_NODE_MAJOR} or later; ${hint})`);
  }
  if (!probe.chromiumPath) {
    problems.push(browserPath ? `no Chromium at ${browserPath}` : 'no Chromium (squall hosts prepare installs it, or install the chromium-headless-shell package)');
  }
  if (!probe.setsid) problems.push('no setsid (util-linux or BusyBox) to run the agent apart from its SSH session');
  if (probe.diskFreeMb < MIN_FREE_DISK_MB) problems.push(`only ${probe.diskFreeMb} MB free in ${probe.home} (need ${MIN_FREE_DISK_MB})`);
  return problems;
}
