// What `squall hosts prepare` does to a host, decided from its probe alone:
// pure, so every case is tested without a host. The controller runs the plan
// (controller/sites/prepare-host.ts).
import { agentNode, type HostProbe } from './probe.js';

/** The controller's own Node.js: what can be copied to a host that matches it. */
export interface ControllerNode {
  version: string;
  platform: string;
  /** process.arch: x64, arm64, … */
  arch: string;
  /** the glibc the binary was built against; absent for a musl or non-Linux build */
  glibc?: string;
  /** linked against a shared libnode and friends (a distribution's package): the binary alone will not run elsewhere */
  shared?: boolean;
}

/** Where a host without Node.js gets it: `auto` downloads on the host when it can reach the mirror, else copies the controller's. */
export type NodeSource = 'auto' | 'push' | 'download';

export type NodeStep =
  | { kind: 'have'; version: string; whose: 'host' | 'runtime' }
  | { kind: 'download'; url: string; shasums: string; folder: string; orPush: boolean }
  | { kind: 'push' }
  | { kind: 'cannot'; problem: string };

/** Where a host without Chromium gets it: `auto` is the package manager on Debian as root or with sudo, else a download of Chrome for Testing. */
export type ChromiumSource = 'auto' | 'package' | 'download';

export type ChromiumStep =
  | { kind: 'have'; path: string }
  | { kind: 'install'; packager: 'apt-get'; packageName: string; command: string }
  /** Chrome for Testing's headless shell, fetched by the host itself into squall's folder: no root needed */
  | { kind: 'fetch' }
  | { kind: 'cannot'; problem: string };

const UNAME_ARCH: Record<string, string> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'armv7l', ppc64le: 'ppc64le', s390x: 's390x' };

function glibcOf(libc: string | undefined): number[] | undefined {
  const match = /^glibc (\d+)\.(\d+)/.exec(libc ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function atLeast(have: number[], need: number[]): boolean {
  return have[0]! > need[0]! || (have[0] === need[0] && have[1]! >= need[1]!);
}

/** Why the controller's node binary would not run there; undefined when it would. */
export function pushMismatch(probe: HostProbe, controller: ControllerNode): string | undefined {
  const arch = UNAME_ARCH[probe.arch] ?? probe.arch;
  if (controller.shared) return "the controller's Node.js is a distribution build linked against shared libraries (libnode)";
  if (controller.platform !== 'linux') return `the controller's Node.js is built for ${controller.platform}, the host runs Linux`;
  if (arch !== controller.arch) return `the host is ${probe.arch}, the controller's Node.js is ${controller.arch}`;
  const need = controller.glibc?.split('.').map(Number);
  if (!need) return "the controller's Node.js is not a glibc build";
  const have = glibcOf(probe.libc);
  if (!have) return `the host has ${probe.libc ?? 'no glibc that getconf reports'}, the controller's Node.js needs glibc ${controller.glibc}`;
  if (!atLeast(have, need)) return `the host has ${probe.libc}, the controller's Node.js needs glibc ${controller.glibc} or later`;
  return undefined;
}

/** The official build of `version` for the host, as nodejs.org/dist names it (gzip: every host has gzip, not every one xz). */
export function nodeDownload(probe: HostProbe, version: string, mirror: string): { url: string; shasums: string; folder: string } | undefined {
  const arch = UNAME_ARCH[probe.arch];
  if (!arch || !glibcOf(probe.libc)) return undefined;
  const folder = `node-${version}-linux-${arch}`;
  const base = `${mirror.replace(/\/+$/, '')}/${version}`;
  return { url: `${base}/${folder}.tar.gz`, shasums: `${base}/SHASUMS256.txt`, folder };
}

export function planNode(probe: HostProbe, controller: ControllerNode, source: NodeSource, mirror: string): NodeStep {
  const whose = agentNode(probe);
  if (whose) return { kind: 'have', version: (whose === 'host' ? probe.node : probe.runtimeNode)!, whose };
  const mismatch = pushMismatch(probe, controller);
  const download = nodeDownload(probe, controller.version, mirror);
  if (source !== 'push' && download && probe.fetcher) return { kind: 'download', ...download, orPush: source === 'auto' && !mismatch };
  if (source === 'download') {
    return { kind: 'cannot', problem: !probe.fetcher ? 'no curl or wget on the host to download Node.js with' : `no official Node.js build for ${probe.arch} (${probe.libc ?? 'unknown libc'})` };
  }
  if (!mismatch) return { kind: 'push' };
  return { kind: 'cannot', problem: `cannot give it Node.js: ${mismatch}, and it cannot download one (${probe.fetcher ? 'no official build for it' : 'no curl or wget'}); install Node.js ${controller.version.split('.')[0]} or later there` };
}

/** How to become root for the package manager: nothing as root, `sudo -n` with passwordless sudo. */
function asRoot(probe: HostProbe): string | undefined {
  return probe.root ? '' : probe.sudo ? 'sudo -n ' : undefined;
}

export function planChromium(probe: HostProbe, browserPath?: string, source: ChromiumSource = 'auto'): ChromiumStep {
  if (probe.chromiumPath) return { kind: 'have', path: probe.chromiumPath };
  if (browserPath) return { kind: 'cannot', problem: `no Chromium at ${browserPath} (the hosts file's browserPath; without it, prepare installs one)` };
  const packageName = 'chromium-headless-shell';
  const debian = probe.packager === 'apt-get' && probe.osId === 'debian';
  const root = asRoot(probe);
  // Chrome for Testing is built for x86-64 Linux only.
  const fetchable = UNAME_ARCH[probe.arch] === 'x64' && glibcOf(probe.libc) !== undefined;
  if (source !== 'download' && debian && root !== undefined) {
    // A fresh instance's apt-daily or unattended-upgrades may hold the lock for a while: wait for it.
    const lock = '-o DPkg::Lock::Timeout=300';
    const install = `apt-get ${lock} update -qq && apt-get ${lock} install -y -qq --no-install-recommends ${packageName}`;
    return { kind: 'install', packager: 'apt-get', packageName, command: `${root}env DEBIAN_FRONTEND=noninteractive sh -c '${install}'` };
  }
  if (source !== 'package' && fetchable) return { kind: 'fetch' };
  if (source === 'download') return { kind: 'cannot', problem: `no Chrome for Testing build for ${probe.arch} (${probe.libc ?? 'unknown libc'}); install Chromium there and set browserPath` };
  if (debian) return { kind: 'cannot', problem: `no Chromium, and no root or passwordless sudo to install it: run  sudo apt-get install -y ${packageName}  there` };
  return {
    kind: 'cannot',
    problem: `no Chromium, and squall installs it only on Debian (this is ${probe.os})${fetchable ? '' : ' or downloads it on x86-64'}; install Chromium's headless shell there and set browserPath in the hosts file`,
  };
}
