// Makes a host that has only sshd and a POSIX shell into a load host, by the
// plan provisioning/prepare-plan.ts decides: Node.js downloaded on the host
// itself when it can reach the mirror (the controller's uplink is the
// bottleneck with many hosts), else the controller's own binary through the
// content-addressed cache; Chromium from the host's package manager. A host
// that has both costs one probe.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { posix } from 'node:path';
import { nodeMajor, RUNTIME_CHROMIUM, RUNTIME_NODE, shellQuote, type HostProbe } from '../../provisioning/probe.js';
import { planChromium, planNode, type ChromiumSource, type ChromiumStep, type ControllerNode, type NodeSource, type NodeStep } from '../../provisioning/prepare-plan.js';
import { builtFile } from '../bundle.js';
import { FETCH_BROWSER_BUNDLE } from '../paths.js';
import { formatBytes } from '../format.js';
import type { SshConnection } from '../ssh/connection.js';
import { probeOver, type ConnectedHost } from '../sites/probe-hosts.js';
import { absoluteWorkDir, cacheDirOf, cachePathOf, ensureCached, nodeCommandOf } from '../sites/remote-files.js';
import type { SiteFile } from '../sites/site.js';

export { DEFAULT_NODE_MIRROR } from './mirrors.js';

export interface PrepareSettings {
  nodeSource: NodeSource;
  nodeMirror: string;
  /** default auto */
  chromiumSource?: ChromiumSource;
  /** where hosts download Chrome for Testing from (default: Google's bucket) */
  chromeMirror?: string;
}

/** What a host got; `problems` is empty when it can run an agent now. */
export interface HostPrepared {
  connected: ConnectedHost;
  node: string;
  chromium: string;
  bytesSent: number;
  tookMs: number;
  changed: boolean;
  problems: string[];
  /** what the user should know though the host is ready (a download that failed, so the binary was sent) */
  notes: string[];
}

/** One line of progress per host: a stage, and how far along when that can be told. */
export type PrepareProgress = (stage: string, fraction?: number) => void;

export function controllerNode(): ControllerNode {
  const header = (process.report?.getReport() as { header?: { glibcVersionCompiler?: string } } | undefined)?.header;
  const shared = String((process.config.variables as { node_shared?: boolean | string }).node_shared) === 'true';
  return { version: process.version, platform: process.platform, arch: process.arch, ...(header?.glibcVersionCompiler ? { glibc: header.glibcVersionCompiler } : {}), ...(shared ? { shared } : {}) };
}

let ownNode: Promise<SiteFile> | undefined;
/** The controller's node binary as a cacheable file (hashed once per process). */
function ownNodeFile(): Promise<SiteFile> {
  ownNode ??= new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(process.execPath)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve({ name: `node-${process.version}`, path: process.execPath, hash: hash.digest('hex'), size: statSync(process.execPath).size }));
  });
  return ownNode;
}

export async function prepareHost(connected: ConnectedHost, settings: PrepareSettings, progress: PrepareProgress): Promise<HostPrepared> {
  const started = Date.now();
  const { host, connection } = connected;
  const runtime = posix.join(absoluteWorkDir(connected), RUNTIME_NODE);
  const problems: string[] = [];
  const notes: string[] = [];
  let bytesSent = 0;
  let changed = false;

  const nodeStep = planNode(connected.probe, controllerNode(), settings.nodeSource, settings.nodeMirror);
  let node: string;
  if (nodeStep.kind === 'have') node = `had ${nodeStep.version}${nodeStep.whose === 'runtime' ? " (squall's)" : ''}`;
  else if (nodeStep.kind === 'cannot') {
    node = 'missing';
    problems.push(nodeStep.problem);
  } else {
    changed = true;
    const got = await installNode(connected, nodeStep, runtime, progress);
    bytesSent += got.bytesSent;
    node = got.summary;
    if (got.problem) problems.push(got.problem);
    if (got.note) notes.push(got.note);
  }

  const chromiumStep = planChromium(connected.probe, host.browserPath, settings.chromiumSource);
  let chromium: string;
  if (chromiumStep.kind === 'have') chromium = `had ${chromiumStep.path}`;
  else if (chromiumStep.kind === 'cannot') {
    chromium = 'missing';
    problems.push(chromiumStep.problem);
  } else if (problems.length > 0 && chromiumStep.kind === 'fetch') {
    // The fetch runs on the host's Node.js, which it did not get.
    chromium = 'missing';
  } else {
    changed = true;
    // The node the fetch runs on: the one the host had, or the runtime just installed.
    const nodeCommand = nodeStep.kind === 'have' ? nodeCommandOf(connected) : runtime;
    const got = chromiumStep.kind === 'install' ? await installChromium(connection, chromiumStep, progress) : await fetchChromium(connected, nodeCommand, settings, progress);
    chromium = got.summary;
    bytesSent += got.bytesSent;
    if (got.problem) problems.push(got.problem);
  }

  progress('checking');
  const probe = await probeOver(connection, host);
  const after: ConnectedHost = { ...connected, probe };
  if (problems.length === 0) problems.push(...(await missingLibraries(connection, probe)));
  return { connected: after, node, chromium, bytesSent, tookMs: Date.now() - started, changed, problems, notes };
}

async function installNode(
  connected: ConnectedHost,
  step: Extract<NodeStep, { kind: 'download' | 'push' }>,
  runtime: string,
  progress: PrepareProgress,
): Promise<{ summary: string; bytesSent: number; problem?: string; note?: string }> {
  const { connection } = connected;
  const link = (target: string) => `mkdir -p ${shellQuote(posix.dirname(runtime))} && ln -sfn ${shellQuote(target)} ${shellQuote(runtime)}`;
  let note: string | undefined;
  if (step.kind === 'download') {
    progress(`node: downloading ${posix.basename(step.url)} on the host`);
    const downloaded = await connection.run(downloadScript(connected, step, link));
    if (downloaded.code === 0) return { summary: `downloaded ${process.version} on the host`, bytesSent: 0, ...(await checkNode(connection, runtime)) };
    const why = lastLines(downloaded.stderr) || `exit ${downloaded.code}`;
    if (!step.orPush) return { summary: 'download failed', bytesSent: 0, problem: `cannot download Node.js from ${step.url}: ${why}` };
    note = `could not download Node.js on the host (${why}), so this machine's was sent`;
  }
  const file = await ownNodeFile();
  progress(`node: sending 0 B of ${formatBytes(file.size)}`, 0);
  // SFTP and cat leave the copy without its execute bit.
  const sent = await ensureCached(connected, [file], (_, cached) => `chmod 755 ${shellQuote(cached)} && ${link(cached)}`, (_, bytes) => progress(`node: sending ${formatBytes(bytes)} of ${formatBytes(file.size)}`, bytes / file.size));
  const summary = sent.bytes > 0 ? `copied ${process.version} (${formatBytes(sent.bytes)})` : `linked ${process.version} from the cache`;
  return { summary, bytesSent: sent.bytes, ...(note ? { note } : {}), ...(await checkNode(connection, runtime)) };
}

/** Fetches the official build on the host, checks it against the mirror's SHASUMS256.txt, unpacks it into the cache and links it. */
function downloadScript(connected: ConnectedHost, step: Extract<NodeStep, { kind: 'download' }>, link: (target: string) => string): string {
  const cache = cacheDirOf(connected);
  const unpacked = posix.join(cache, step.folder);
  const fetch = connected.probe.fetcher === 'curl' ? 'curl -fsSL --connect-timeout 10 --max-time 600 -o' : 'wget -q -T 10 -O';
  const q = shellQuote;
  return [
    'set -e',
    `if [ ! -x ${q(`${unpacked}/bin/node`)} ]; then`,
    `  mkdir -p ${q(cache)}; t=$(mktemp -d ${q(`${cache}/download.XXXXXX`)}); trap 'rm -rf "$t"' EXIT`,
    `  ${fetch} "$t/SHASUMS256.txt" ${q(step.shasums)}`,
    `  ${fetch} "$t/node.tar.gz" ${q(step.url)}`,
    `  want=$(grep ' ${step.folder}.tar.gz$' "$t/SHASUMS256.txt" | cut -d' ' -f1)`,
    `  have=$( (sha256sum < "$t/node.tar.gz" || shasum -a 256 < "$t/node.tar.gz") 2>/dev/null | cut -d' ' -f1)`,
    `  if [ -z "$want" ] || [ "$want" != "$have" ]; then echo "sha256 of ${step.folder}.tar.gz is $have, SHASUMS256.txt says \${want:-nothing}" >&2; exit 3; fi`,
    `  tar -xzf "$t/node.tar.gz" -C "$t"`,
    `  mv "$t/${step.folder}" ${q(unpacked)} 2>/dev/null || [ -x ${q(`${unpacked}/bin/node`)} ]`,
    'fi',
    link(`${unpacked}/bin/node`),
  ].join('\n');
}

async function checkNode(connection: SshConnection, runtime: string): Promise<{ problem?: string }> {
  const ran = await connection.run(`${shellQuote(runtime)} --version`);
  // Its last line: the user's shell start-up may print before it.
  if (ran.code === 0 && nodeMajor(ran.stdout.trim().split('\n').at(-1) ?? '') > 0) return {};
  const libraries = await unresolvedLibraries(connection, runtime);
  return { problem: libraries.length > 0 ? `the Node.js it got lacks shared libraries: ${libraries.join(', ')}` : `the Node.js it got does not run: ${lastLines(ran.stderr)}` };
}

async function missingLibraries(connection: SshConnection, probe: HostProbe): Promise<string[]> {
  if (!probe.chromiumPath) return [];
  const libraries = await unresolvedLibraries(connection, probe.chromiumPath);
  return libraries.length > 0 ? [`Chromium at ${probe.chromiumPath} lacks shared libraries: ${libraries.join(', ')}`] : [];
}

/** The libraries ldd cannot find for a binary. */
async function unresolvedLibraries(connection: SshConnection, binary: string): Promise<string[]> {
  const ldd = await connection.run(`ldd ${shellQuote(binary)} 2>/dev/null | grep 'not found'; true`);
  return [...ldd.stdout.matchAll(/^\s*(\S+) => not found/gm)].map((m) => m[1]!);
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' / ') || 'no output';
}

/** Runs `work`, telling progress every second how long it has taken. */
async function ticking<T>(progress: PrepareProgress, stage: string, work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = Date.now();
  progress(stage);
  const ticker = setInterval(() => progress(`${stage} (${Math.round((Date.now() - started) / 1000)} s)`), 1000);
  try {
    return { result: await work(), seconds: Math.round((Date.now() - started) / 1000) };
  } finally {
    clearInterval(ticker);
  }
}

interface ChromiumGot {
  summary: string;
  bytesSent: number;
  problem?: string;
}

async function installChromium(connection: SshConnection, step: Extract<ChromiumStep, { kind: 'install' }>, progress: PrepareProgress): Promise<ChromiumGot> {
  const { result, seconds } = await ticking(progress, `chromium: ${step.packager} install ${step.packageName}`, () => connection.run(step.command));
  if (result.code === 0) return { summary: `installed ${step.packageName} (${step.packager}, ${seconds} s)`, bytesSent: 0 };
  return { summary: 'install failed', bytesSent: 0, problem: `${step.packager} could not install ${step.packageName}: ${lastLines(result.stderr || result.stdout)}` };
}

/** Chrome for Testing's headless shell, fetched by the host itself (dist/fetch-browser.mjs on its Node.js) into <workDir>/browsers. */
async function fetchChromium(connected: ConnectedHost, node: string, settings: PrepareSettings, progress: PrepareProgress): Promise<ChromiumGot> {
  const { connection } = connected;
  const workDir = absoluteWorkDir(connected);
  const helper = builtFile(FETCH_BROWSER_BUNDLE, 'fetch-browser.mjs', 'browser fetcher');
  const helperPath = cachePathOf(connected, helper);
  const sent = await ensureCached(connected, [helper], () => 'true');
  const mirror = settings.chromeMirror ? ` --base-url ${shellQuote(settings.chromeMirror)}` : '';
  const command = `${shellQuote(node)} ${shellQuote(helperPath)} --cache ${shellQuote(posix.join(workDir, 'browsers'))}${mirror}`;
  const { result, seconds } = await ticking(progress, 'chromium: downloading Chrome for Testing on the host', () => connection.run(command));
  const answer = /^\{.*\}$/m.exec(result.stdout);
  if (result.code !== 0 || !answer) {
    return { summary: 'download failed', bytesSent: sent.bytes, problem: `cannot download Chrome for Testing's headless shell: ${lastLines(result.stderr) || `exit ${result.code}`}` };
  }
  const { executablePath, buildId } = JSON.parse(answer[0]) as { executablePath: string; buildId: string };
  const link = posix.join(workDir, RUNTIME_CHROMIUM);
  const linked = await connection.run(`mkdir -p ${shellQuote(posix.dirname(link))} && ln -sfn ${shellQuote(executablePath)} ${shellQuote(link)}`);
  if (linked.code !== 0) return { summary: 'download failed', bytesSent: sent.bytes, problem: `cannot link ${executablePath}: ${lastLines(linked.stderr)}` };
  return { summary: `downloaded Chrome for Testing ${buildId} on the host (${seconds} s)`, bytesSent: sent.bytes };
}
