// A user mistake gets one clear line on stderr and exit code 2, no stack trace.
// The CLI entry runs in this process: the answer is a line, and a process of
// its own would add only its start-up (the built command is spawned elsewhere).
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, squall, type CliResult } from '../harness/cli.js';

function expectOneClearLine(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.code).toBe(2);
}

describe('bad input', () => {
  it('a missing scenario file', async () => {
    expectOneClearLine(await squall(['run', 'does-not-exist.ts']), /^squall: does-not-exist\.ts: no such scenario file$/);
  });

  it('a scenario that does not compile names the file, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-bad-'));
    cpSync(fixture('broken-syntax.scenario.ts.txt'), join(dir, 'broken.ts'));
    expectOneClearLine(await squall(['run', 'broken.ts'], { cwd: dir }), /^squall: broken\.ts:7:17: Unexpected ";"/);
  });

  it('a scenario with no run function', async () => {
    expectOneClearLine(
      await squall(['run', fixture('no-run.scenario.js')]),
      /^squall: .*no-run\.scenario\.js: no `run` in the default export: expected a function run\(/,
    );
  });

  it('an invalid --stages', async () => {
    expectOneClearLine(
      await squall(['run', fixture('shop.scenario.ts'), '--stages', '10s:5,forever']),
      /^squall: --stages 10s:5,forever: "forever" is not a stage; expected duration:target like 30s:10/,
    );
  });

  it('an invalid --env and --vus are rejected before anything starts', async () => {
    const env = await squall(['run', fixture('shop.scenario.ts'), '--env', 'NOEQUALS']);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/--env.*expected KEY=VALUE, got "NOEQUALS"/);
    const vus = await squall(['run', fixture('shop.scenario.ts'), '--vus', 'many']);
    expect(vus.code).toBe(2);
    expect(vus.stderr).toMatch(/--vus.*expected a whole number/);
  });

  it('a request threshold on a label that can match nothing (a typo\'d phase) is refused before the load', async () => {
    expectOneClearLine(
      await squall(['run', fixture('shop.scenario.ts'), '--threshold', 'requests:dnsx:p95<5']),
      /^squall: --threshold "requests:dnsx": "p95<5": "dnsx" is no request label: expected a path .*phase of dns, connect, tls, ttfb, download, total$/,
    );
  });

  describe('hosts launch, before AWS is asked for anything', () => {
    const launch = (extra: string[], cwd?: string) =>
      squall(['hosts', 'launch', '--count', '2', '--ssh-from', '127.0.0.1/32', '--region', 'eu-west-1', ...extra], {
        ...(cwd ? { cwd } : {}),
        // Nowhere to reach: a check that let the launch through would fail on this instead of its own line.
        env: { AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' },
      });

    it.each<[string, string[], RegExp]>([
      ['an --out that cannot be written', ['--out', '/proc/squall/fleet.yaml'], /^squall: --out \/proc\/squall\/fleet\.yaml: \/proc\/squall: /],
      ['an --out that is a folder', ['--out', tmpdir()], /^squall: --out .*: is a folder; give a file name such as/],
      ['a missing --identity-file', ['--key', 'k', '--identity-file', 'no-such-key'], /^squall: --identity-file no-such-key: no such file$/],
      ['an --identity-file that is no key', ['--key', 'k', '--identity-file', fixture('shop.scenario.ts')], /^squall: --identity-file .*shop\.scenario\.ts: not a private key ssh can use/],
      ['an absurd --count', ['--count', '100000'], /^squall: --count 100000: at most 500 instances per launch/],
      ['a CIDR that is not one', ['--ssh-from', '300.1.1.1/32'], /^squall: --ssh-from 300\.1\.1\.1\/32: expected a CIDR such as 203\.0\.113\.7\/32$/],
    ])('%s', async (_what, extra, pattern) => {
      expectOneClearLine(await launch(extra), pattern);
    });
  });

  it('an --agent-grace shorter than three heartbeats', async () => {
    expectOneClearLine(await squall(['run', fixture('shop.scenario.ts'), '--agent-grace', '5s']), /^squall: --agent-grace 5s: must be at least 15s \(three heartbeats\)$/);
  });

  it('an --out or --db that cannot be written is refused before any browser starts, and nothing is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-bad-out-'));
    writeFileSync(join(dir, 'notes.txt'), 'a file, not a folder');
    const shop = fixture('shop.scenario.ts');
    const db = ['--db', join(dir, 'runs.db')];
    const underFile = await squall(['run', shop, '--out', 'notes.txt/sub', ...db], { cwd: dir });
    expectOneClearLine(underFile, /^squall: --out notes\.txt\/sub: notes\.txt is a file, not a folder$/);
    const underProc = await squall(['run', shop, '--out', '/proc/forbidden', ...db], { cwd: dir });
    expectOneClearLine(underProc, /^squall: --out \/proc\/forbidden: cannot be created there \(no such file or directory\)$/);
    const dbUnderFile = await squall(['run', shop, '--db', 'notes.txt/runs.db', '--out', 'out'], { cwd: dir });
    expectOneClearLine(dbUnderFile, /^squall: --db notes\.txt\/runs\.db: notes\.txt is a file, not a folder$/);
    for (const result of [underFile, underProc, dbUnderFile]) expect(result.stdout).toBe('');
    // The checks make no folder and no store of their own.
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'runs.db'))).toBe(false);
  });
});
