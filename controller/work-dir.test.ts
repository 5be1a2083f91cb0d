// Scratch folders: private, and those of a command that died (kill -9) are
// removed by the next command, while a live command's and another host's stay.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorkDir } from './work-dir.js';

/** A pid that was a process a moment ago and is none now. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function leftBehind(parent: string, name: string, owner?: string): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'bundle.mjs'), '// a scenario');
  if (owner !== undefined) writeFileSync(join(dir, '.squall-owner'), owner);
  return dir;
}

describe('makeWorkDir', () => {
  it('makes a private folder and sweeps the ones a dead command left, only those', () => {
    const parent = mkdtempSync(join(tmpdir(), 'squall-work-test-'));
    const dead = leftBehind(parent, 'squall-20261205-dead-abc123', `${hostname()} ${deadPid()}\n`);
    const live = leftBehind(parent, 'squall-20261205-live-abc123', `${hostname()} ${process.pid}\n`);
    const elsewhere = leftBehind(parent, 'squall-20261205-other-abc123', `another-host ${deadPid()}\n`);
    const unowned = leftBehind(parent, 'squall-something-else');
    const dir = makeWorkDir('check', parent);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(dead)).toBe(false);
    expect([live, elsewhere, unowned].filter(existsSync)).toEqual([live, elsewhere, unowned]);
    expect(readdirSync(parent).sort()).toEqual(['squall-20261205-live-abc123', 'squall-20261205-other-abc123', dir.split('/').at(-1), 'squall-something-else'].sort());
  });
});
