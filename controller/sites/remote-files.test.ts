// The run files' start prelude, run by a real sh on this machine as a host's shell would run it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectedHost } from './probe-hosts.js';
import { cacheNameOf, INLINE_BYTES, uploadRunFiles } from './remote-files.js';
import type { SiteFile } from './site.js';

const dir = mkdtempSync(join(tmpdir(), 'squall-remote-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function siteFile(name: string, content: Buffer | string, hash?: string): SiteFile {
  const path = join(dir, `local-${name}`);
  writeFileSync(path, content);
  const bytes = readFileSync(path);
  return { name, path, size: bytes.length, hash: hash ?? createHash('sha256').update(bytes).digest('hex') };
}

/** A host whose probe found `cached` in its cache; its connection must not be used. */
function hostWith(home: string, cached: string[]): ConnectedHost {
  const unused = () => {
    throw new Error('the connection was used');
  };
  return {
    host: { workDir: '.squall' },
    probe: { home, cached },
    connection: { host: { name: 'a host' }, run: unused, exec: unused, sftp: unused },
    dial: unused,
  } as unknown as ConnectedHost;
}

function runPrelude(prelude: string): { code: number | null; stderr: string } {
  const ran = spawnSync('sh', ['-c', prelude], { encoding: 'utf8' });
  return { code: ran.status, stderr: ran.stderr };
}

describe('uploadRunFiles into the agent\'s start', () => {
  it('puts a missing small file (any bytes) in the cache, whole, and links every file into the run folder; the connection is not used', async () => {
    const home = realpathSync(mkdtempSync(join(dir, 'home-')));
    const agent = siteFile('agent.mjs', 'the agent, already cached');
    // Every byte value, and a quote: the base64 in the command carries them all.
    const scenario = siteFile('scenario.mjs', Buffer.concat([Buffer.from("it's "), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]));
    const cache = join(home, '.squall', 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, cacheNameOf(agent)), readFileSync(agent.path));
    const runDir = join(home, '.squall', 'runs', 'r1-a1');
    const summary = await uploadRunFiles(hostWith(home, [cacheNameOf(agent)]), [agent, scenario], runDir, { intoStart: true });
    expect(summary).toMatchObject({ uploaded: 1, skipped: 1, bytes: scenario.size });
    expect(runPrelude(summary.prelude!)).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(cache, cacheNameOf(scenario)))).toEqual(readFileSync(scenario.path));
    expect(readFileSync(join(runDir, 'scenario.mjs'))).toEqual(readFileSync(scenario.path));
    expect(readFileSync(join(runDir, 'agent.mjs'), 'utf8')).toBe('the agent, already cached');
    expect(readdirSync(cache).sort()).toEqual([cacheNameOf(agent), cacheNameOf(scenario)].sort());
  });

  it('a file whose bytes do not match its sha256 on arrival fails the start, says so, and leaves nothing in the cache', async () => {
    const home = realpathSync(mkdtempSync(join(dir, 'home-')));
    const scenario = siteFile('scenario.mjs', 'export default 1;\n', 'f'.repeat(64));
    const summary = await uploadRunFiles(hostWith(home, []), [scenario], join(home, 'run'), { intoStart: true });
    const ran = runPrelude(summary.prelude!);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toMatch(/^sha256 on arrival is [0-9a-f]{64}, not f{64}$/m);
    expect(readdirSync(join(home, '.squall', 'cache'))).toEqual([]);
    expect(existsSync(join(home, 'run', 'scenario.mjs'))).toBe(false);
  });

  it('files over the inline bound, or without intoStart, go by the connection', async () => {
    const home = realpathSync(mkdtempSync(join(dir, 'home-')));
    const big = siteFile('agent.mjs', Buffer.alloc(INLINE_BYTES + 1, 'x'));
    const small = siteFile('scenario.mjs', 'export default 1;\n');
    await expect(uploadRunFiles(hostWith(home, []), [big, small], join(home, 'run'), { intoStart: true })).rejects.toThrow('the connection was used');
    await expect(uploadRunFiles(hostWith(home, []), [small], join(home, 'run'))).rejects.toThrow('the connection was used');
  });
});
