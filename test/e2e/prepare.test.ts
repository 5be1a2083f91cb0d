// squall hosts prepare over real OpenSSH, on loopback hosts whose Node.js is
// hidden (bind-mounted over by /dev/null in the sshd's mount namespace): the
// controller's node copied once into the host's cache, or the official build
// downloaded on the host from a mirror served here on loopback; a second
// prepare does nothing; run --hosts prepares a host by itself and runs on it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import type { Report } from '../../src/protocol/report.js';
import { fixture, runCli } from '../harness/cli.js';
import { PUPPETEER_REVISIONS } from 'puppeteer-core/internal/revisions.js';
import { CHROMIUM_FILES, startSshLab, type LabHost, type SshLab } from '../harness/ssh-lab.js';

const NODE_FILES = ['/usr/bin/node'];
const folder = `node-${process.version}-linux-x64`;
const CHROME_BUILD = PUPPETEER_REVISIONS['chrome-headless-shell'];

/**
 * A Chrome for Testing mirror (storage.googleapis.com's layout) whose zip
 * holds this machine's Debian headless shell under Chrome for Testing's
 * names: what is tested is the fetch on the host (download, unpack, link,
 * found by the probe, run), not Google's build.
 */
async function startChromeMirror(dir: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const zip = join(dir, 'chrome-headless-shell-linux64.zip');
  // The shell and what it loads from beside itself, as in Chrome for Testing's zip.
  const files = ['chromium-headless-shell', 'headless_command_resources.pak', 'headless_lib_data.pak', 'headless_lib_strings.pak', 'icudtl.dat', 'snapshot_blob.bin', 'v8_context_snapshot.bin', 'libEGL.so', 'libGLESv2.so', 'libvk_swiftshader.so', 'libvulkan.so.1', 'vk_swiftshader_icd.json'].filter((name) => existsSync(`/usr/lib/chromium/${name}`));
  const script = [
    'import sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:',
    '    for name in sys.argv[2:]:',
    '        z.write("/usr/lib/chromium/" + name, "chrome-headless-shell-linux64/" + name.replace("chromium-headless-shell", "chrome-headless-shell"))',
  ].join('\n');
  execFileSync('python3', ['-c', script, zip, ...files]);
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === `/${CHROME_BUILD}/linux64/chrome-headless-shell-linux64.zip`) {
      response.setHeader('content-length', String(statSync(zip).size));
      return createReadStream(zip).pipe(response);
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A nodejs.org/dist-shaped mirror of this machine's node; `/bad` has a SHASUMS256.txt that does not match. */
async function startMirror(dir: string): Promise<{ url: string; badUrl: string; requests: string[]; close(): Promise<void> }> {
  const build = join(dir, 'build', folder, 'bin');
  mkdirSync(build, { recursive: true });
  copyFileSync(process.execPath, join(build, 'node'));
  const tarball = join(dir, `${folder}.tar.gz`);
  execFileSync('tar', ['-C', join(dir, 'build'), '-I', 'gzip -1', '-cf', tarball, folder]);
  const body = readFileSync(tarball);
  const sums = `${createHash('sha256').update(body).digest('hex')}  ${folder}.tar.gz\n`;
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const path = request.url ?? '';
    if (path.endsWith('/SHASUMS256.txt')) return response.end(path.startsWith('/bad/') ? sums.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sums);
    if (path.endsWith(`/${folder}.tar.gz`)) return response.end(body);
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/dist`,
    badUrl: `http://127.0.0.1:${port}/bad/dist`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const rowOf = (stdout: string, host: LabHost) => stdout.split('\n').find((line) => line.startsWith(`${host.sshd.address}:${host.sshd.port}`)) ?? '';
const tookOf = (row: string) => Number(/ ([\d.]+)s /.exec(row)?.[1] ?? NaN);

describe('hosts prepare', () => {
  let lab: SshLab;
  let app: DemoApp;
  let dir: string;
  let mirror: Awaited<ReturnType<typeof startMirror>>;
  let pushed: LabHost;
  let downloaded: LabHost;
  let noChromium: LabHost;
  let chromeMirror: Awaited<ReturnType<typeof startChromeMirror>>;

  beforeAll(async () => {
    lab = await startSshLab([{ address: '127.0.0.7', hide: NODE_FILES }, { address: '127.0.0.8', hide: NODE_FILES }, { address: '127.0.0.9', hide: CHROMIUM_FILES }]);
    [pushed, downloaded, noChromium] = lab.hosts as [LabHost, LabHost, LabHost];
    lab.trust();
    app = await startDemoApp();
    dir = mkdtempSync(join(tmpdir(), 'squall-prepare-'));
    mirror = await startMirror(join(dir, 'mirror'));
    chromeMirror = await startChromeMirror(join(dir, 'chrome-mirror'));
  }, 60_000);

  afterAll(async () => {
    await mirror?.close();
    await chromeMirror?.close();
    await app?.close();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a host without Node.js the controller node, once; a second prepare does nothing', async () => {
    const inventory = lab.inventory([{ host: pushed }]);
    const check = await runCli(['hosts', 'check', inventory]);
    expect(check.code).toBe(1);
    expect(rowOf(check.stdout, pushed)).toMatch(/UNUSABLE: no Node\.js .*squall hosts prepare installs it/);

    const first = await runCli(['hosts', 'prepare', inventory, '--node-from', 'push']);
    expect(first.code).toBe(0);
    const row = rowOf(first.stdout, pushed);
    expect(row).toMatch(new RegExp(`copied ${process.version} \\(\\d+\\.\\d MB\\) +had /usr/bin/chromium-headless-shell +\\d+\\.\\d MB +[\\d.]+s +ready$`));
    expect(first.stdout).toContain('1 host ready (1 prepared)');
    expect(first.stderr).toMatch(/node: sending/);
    expect(lstatSync(join(pushed.workDir, 'runtime', 'node')).isSymbolicLink()).toBe(true);

    const again = await runCli(['hosts', 'prepare', inventory, '--node-from', 'push']);
    expect(again.code).toBe(0);
    const second = rowOf(again.stdout, pushed);
    expect(second).toMatch(new RegExp(`had ${process.version} \\(squall's\\) +had /usr/bin/chromium-headless-shell +- +[\\d.]+s +ready, nothing to do$`));
    expect(tookOf(second)).toBeLessThan(2);
    expect(again.stdout).toContain('nothing to do: the host has Node.js and Chromium');
  }, 120_000);

  it('runs a test on the host with the node it was given, counts reconciled', async () => {
    app.reset();
    const out = join(dir, 'run-pushed');
    const result = await runCli(['run', fixture('shop.scenario.ts'), '--hosts', lab.inventory([{ host: pushed }]), '--vus', '2', '--duration', '4s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'runs.db')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('preparing');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const cart = report.steps.find((s) => s.name === 'add to cart')!;
    expect(cart.count).toBeGreaterThan(0);
    expect(cart.count).toBe(app.stats()['POST /api/cart']!.hits);
  }, 120_000);

  it('downloads the official build on the host from the mirror, checked against SHASUMS256.txt', async () => {
    const inventory = lab.inventory([{ host: downloaded }]);
    const bad = await runCli(['hosts', 'prepare', inventory, '--node-from', 'download', '--node-mirror', mirror.badUrl]);
    expect(bad.code).toBe(1);
    expect(rowOf(bad.stdout, downloaded)).toMatch(/NOT READY: cannot download Node\.js from .*: sha256 of node-v[\d.]+-linux-x64\.tar\.gz is [0-9a-f]{64}, SHASUMS256\.txt says [0-9a-f]{64}$/);

    const good = await runCli(['hosts', 'prepare', inventory, '--node-from', 'download', '--node-mirror', mirror.url]);
    expect(good.code).toBe(0);
    // Nothing big from the controller: the host fetched it itself.
    expect(rowOf(good.stdout, downloaded)).toMatch(new RegExp(`downloaded ${process.version} on the host +had \\S+ +- +[\\d.]+s +ready$`));
    expect(mirror.requests).toContain(`/dist/${process.version}/${folder}.tar.gz`);
    expect(readFileSync(join(downloaded.workDir, 'cache', folder, 'bin', 'node')).length).toBe(lstatSync(process.execPath).size);
  }, 120_000);

  it('run --hosts prepares a host that lacks Node.js by itself, from what its cache already holds', async () => {
    rmSync(join(pushed.workDir, 'runtime'), { recursive: true, force: true });
    app.reset();
    const out = join(dir, 'run-auto');
    const result = await runCli(['run', fixture('shop.scenario.ts'), '--hosts', lab.inventory([{ host: pushed }]), '--node-from', 'push', '--vus', '1', '--duration', '3s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'runs.db')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('preparing 1 host that lacks Node.js or Chromium (--no-prepare: refuse them instead)');
    expect(result.stderr).toMatch(new RegExp(`node linked ${process.version} from the cache`));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.steps.find((s) => s.name === 'add to cart')!.count).toBe(app.stats()['POST /api/cart']!.hits);
  }, 120_000);

  it("fetches Chrome for Testing's headless shell on a host that cannot install Chromium, and runs a test with it", async () => {
    const inventory = lab.inventory([{ host: noChromium }]);
    const fetched = await runCli(['hosts', 'prepare', inventory, '--chromium-from', 'download', '--chrome-mirror', chromeMirror.url]);
    expect(fetched.code, fetched.stdout + fetched.stderr).toBe(0);
    expect(rowOf(fetched.stdout, noChromium)).toMatch(new RegExp(`had v[\\d.]+ +downloaded Chrome for Testing ${CHROME_BUILD.replace(/\./g, '\\.')} on the host \\(\\d+ s\\) +\\d+\\.\\d MB +[\\d.]+s +ready$`));
    expect(chromeMirror.requests).toContain(`/${CHROME_BUILD}/linux64/chrome-headless-shell-linux64.zip`);
    expect(lstatSync(join(noChromium.workDir, 'runtime', 'chrome-headless-shell')).isSymbolicLink()).toBe(true);
    const check = await runCli(['hosts', 'check', inventory]);
    expect(rowOf(check.stdout, noChromium)).toMatch(/runtime\/chrome-headless-shell .* ok$/);

    app.reset();
    const out = join(dir, 'run-fetched');
    const result = await runCli(['run', fixture('shop.scenario.ts'), '--hosts', inventory, '--vus', '1', '--duration', '3s', '--window', '1s', '--env', `TARGET=${app.url}`, '--out', out, '--db', join(dir, 'runs.db')]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.steps.find((s) => s.name === 'add to cart')!.count).toBe(app.stats()['POST /api/cart']!.hits);
  }, 180_000);

  it('--no-prepare refuses such a host instead, and --node-from takes only what it names', async () => {
    rmSync(join(pushed.workDir, 'runtime'), { recursive: true, force: true });
    const refused = await runCli(['run', fixture('shop.scenario.ts'), '--hosts', lab.inventory([{ host: pushed }]), '--no-prepare', '--env', `TARGET=${app.url}`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/unusable host .*: no Node\.js/);
    const wrong = await runCli(['hosts', 'prepare', lab.inventory([{ host: pushed }]), '--node-from', 'ftp']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--node-from.*ftp.*auto, download, push/);
  }, 60_000);
});
