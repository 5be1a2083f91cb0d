// What prepare decides for a host from its probe: each way Node.js and
// Chromium can get there, and the message when neither can.
import { describe, expect, it } from 'vitest';
import { planChromium, planNode, pushMismatch, type ControllerNode } from './prepare-plan.js';
import { parseProbe } from './probe.js';

const bare = parseProbe(['home=/root', 'os=Debian GNU/Linux 12 (bookworm) (6.1.0)', 'os_id=debian', 'arch=x86_64', 'libc=glibc 2.36', 'uid=0', 'packager=apt-get', 'setsid=/usr/bin/setsid', 'disk_free_mb=5000'].join('\n'));
const controller: ControllerNode = { version: 'v20.20.2', platform: 'linux', arch: 'x64', glibc: '2.28' };
const mirror = 'https://nodejs.org/dist/';

describe('planNode', () => {
  it('leaves a host with Node.js 20 or later alone, its own or the runtime prepare gave it', () => {
    expect(planNode({ ...bare, node: 'v22.1.0' }, controller, 'auto', mirror)).toEqual({ kind: 'have', version: 'v22.1.0', whose: 'host' });
    expect(planNode({ ...bare, node: 'v18.19.0', runtimeNode: 'v20.20.2' }, controller, 'auto', mirror)).toEqual({ kind: 'have', version: 'v20.20.2', whose: 'runtime' });
  });

  it('downloads the official gzip build on a host with curl, falling back to a copy when allowed', () => {
    expect(planNode({ ...bare, fetcher: 'curl' }, controller, 'auto', mirror)).toEqual({
      kind: 'download',
      url: 'https://nodejs.org/dist/v20.20.2/node-v20.20.2-linux-x64.tar.gz',
      shasums: 'https://nodejs.org/dist/v20.20.2/SHASUMS256.txt',
      folder: 'node-v20.20.2-linux-x64',
      orPush: true,
    });
    expect(planNode({ ...bare, fetcher: 'wget', arch: 'aarch64' }, controller, 'auto', mirror)).toMatchObject({ kind: 'download', folder: 'node-v20.20.2-linux-arm64', orPush: false });
    expect(planNode({ ...bare, fetcher: 'curl' }, controller, 'download', mirror)).toMatchObject({ kind: 'download', orPush: false });
  });

  it('copies the controller node to a host that matches it and cannot download', () => {
    expect(planNode(bare, controller, 'auto', mirror)).toEqual({ kind: 'push' });
    expect(planNode({ ...bare, fetcher: 'curl' }, controller, 'push', mirror)).toEqual({ kind: 'push' });
  });

  it('says why when it can do neither', () => {
    expect(planNode({ ...bare, arch: 'aarch64' }, controller, 'auto', mirror)).toMatchObject({ kind: 'cannot', problem: expect.stringMatching(/the host is aarch64, the controller's Node.js is x64.*no curl or wget/) });
    expect(planNode(bare, controller, 'download', mirror)).toEqual({ kind: 'cannot', problem: 'no curl or wget on the host to download Node.js with' });
  });
});

describe('pushMismatch', () => {
  it('needs the same OS and CPU and a glibc at least as new as the build', () => {
    expect(pushMismatch(bare, controller)).toBeUndefined();
    expect(pushMismatch({ ...bare, libc: 'glibc 2.17' }, controller)).toBe("the host has glibc 2.17, the controller's Node.js needs glibc 2.28 or later");
    expect(pushMismatch({ ...bare, libc: 'musl' }, controller)).toMatch(/has musl/);
    expect(pushMismatch(bare, { ...controller, platform: 'darwin' })).toMatch(/built for darwin/);
    expect(pushMismatch(bare, { ...controller, shared: true })).toMatch(/distribution build linked against shared libraries/);
  });
});

describe('planChromium', () => {
  it('installs the headless shell with apt-get as root, or through passwordless sudo', () => {
    expect(planChromium(bare)).toMatchObject({ kind: 'install', packageName: 'chromium-headless-shell', command: expect.stringMatching(/^env DEBIAN_FRONTEND=noninteractive sh -c 'apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get -o DPkg::Lock::Timeout=300 install/) });
    expect(planChromium({ ...bare, root: false, sudo: true })).toMatchObject({ kind: 'install', command: expect.stringMatching(/^sudo -n env /) });
  });

  it('fetches Chrome for Testing where it cannot use the package manager, on x86-64', () => {
    expect(planChromium({ ...bare, root: false })).toEqual({ kind: 'fetch' });
    expect(planChromium({ ...bare, osId: 'ubuntu' })).toEqual({ kind: 'fetch' });
    expect(planChromium({ ...bare, osId: 'amzn', packager: 'dnf' })).toEqual({ kind: 'fetch' });
    expect(planChromium(bare, undefined, 'download')).toEqual({ kind: 'fetch' });
  });

  it('gives the command to run when it can do neither, and names what it does not do', () => {
    expect(planChromium({ ...bare, root: false }, undefined, 'package')).toEqual({ kind: 'cannot', problem: expect.stringContaining('sudo apt-get install -y chromium-headless-shell') });
    expect(planChromium({ ...bare, osId: 'amzn', packager: 'dnf', arch: 'aarch64' })).toMatchObject({ kind: 'cannot', problem: expect.stringMatching(/only on Debian .* or downloads it on x86-64.*browserPath/) });
    expect(planChromium({ ...bare, arch: 'aarch64' }, undefined, 'download')).toMatchObject({ kind: 'cannot', problem: expect.stringMatching(/^no Chrome for Testing build for aarch64/) });
    expect(planChromium(bare, '/opt/chrome')).toMatchObject({ kind: 'cannot', problem: expect.stringMatching(/^no Chromium at \/opt\/chrome/) });
    expect(planChromium({ ...bare, chromiumPath: '/usr/bin/chromium' })).toEqual({ kind: 'have', path: '/usr/bin/chromium' });
  });
});
