import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inWorkDir, parseProbe, probeProblems, probeScript, shellQuote } from './probe.js';

describe('host probe', () => {
  it('runs in a POSIX shell and reads this machine', () => {
    const probe = parseProbe(execFileSync('sh', ['-c', probeScript('node', undefined, undefined, [], true)], { encoding: 'utf8' }));
    expect(probe.cores).toBeGreaterThan(0);
    expect(probe.memoryMb).toBeGreaterThan(100);
    expect(probe.node).toBe(process.version);
    expect(probe.chromiumPath).toBe('/usr/bin/chromium-headless-shell');
    expect(probe.chromiumVersion).toMatch(/^Chromium \d+/);
    expect(probe.setsid).toBe(true);
    expect(probeProblems(probe)).toEqual([]);
    // A run's probe does not start Chromium to ask its version.
    const runs = parseProbe(execFileSync('sh', ['-c', probeScript('node')], { encoding: 'utf8' }));
    expect(runs.chromiumPath).toBe('/usr/bin/chromium-headless-shell');
    expect(runs.chromiumVersion).toBeUndefined();
  });

  it('names what is missing or too old', () => {
    const probe = parseProbe('home=/home/u\ncores=4\nmemory_mb=8000\nnode=v18.19.0\ndisk_free_mb=50\n');
    expect(probeProblems(probe)).toEqual([
      'Node.js v18.19.0 is too old (need 20 or later; squall hosts prepare installs it; or set "node" in the hosts file if it is off the PATH)',
      'no Chromium (squall hosts prepare installs it, or install the chromium-headless-shell package)',
      'no setsid (util-linux or BusyBox) to run the agent apart from its SSH session',
      'only 50 MB free in /home/u (need 200)',
    ]);
    expect(probeProblems(parseProbe('chromium_path=/x\ndisk_free_mb=900\n'))[0]).toMatch(/^no Node\.js/);
  });

  it('names files in the work folder the same from any folder: under $HOME unless absolute, ~ or not', () => {
    const home = process.env.HOME ?? '/root';
    const said = (workDir: string) => execFileSync('sh', ['-c', `cd / && echo ${inWorkDir(workDir, 'runtime/node')}`], { encoding: 'utf8' }).trim();
    expect(said('.squall')).toBe(`${home}/.squall/runtime/node`);
    expect(said('~/.squall')).toBe(`${home}/.squall/runtime/node`);
    expect(said('~/')).toBe(`${home}/runtime/node`);
    expect(said('~')).toBe(`${home}/runtime/node`);
    expect(said('/opt/squall/')).toBe('/opt/squall/runtime/node');
  });

  it("says which of the run's files the cache holds whole", () => {
    const work = mkdtempSync(join(tmpdir(), 'squall-probe-'));
    mkdirSync(join(work, 'cache'));
    writeFileSync(join(work, 'cache', 'aa-agent.mjs'), 'x'.repeat(10));
    writeFileSync(join(work, 'cache', 'bb-scenario.mjs'), 'x'.repeat(3));
    const looks = [{ cacheName: 'aa-agent.mjs', size: 10 }, { cacheName: 'bb-scenario.mjs', size: 4 }, { cacheName: 'cc-none.mjs', size: 1 }];
    const probe = parseProbe(execFileSync('sh', ['-c', probeScript('node', undefined, work, looks)], { encoding: 'utf8' }));
    expect(probe.cached).toEqual(['aa-agent.mjs']);
  });

  it('quotes for the shell', () => {
    expect(execFileSync('sh', ['-c', `echo ${shellQuote("it's $HOME")}`], { encoding: 'utf8' })).toBe("it's $HOME\n");
  });
});
