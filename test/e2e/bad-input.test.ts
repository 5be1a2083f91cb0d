// A user mistake gets one clear line on stderr and exit code 2, no stack trace.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, type CliResult } from '../harness/cli.js';

function expectOneClearLine(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.code).toBe(2);
}

describe('bad input', () => {
  it('a missing scenario file', async () => {
    expectOneClearLine(await runCli(['run', 'does-not-exist.ts']), /^squall: does-not-exist\.ts: no such scenario file$/);
  });

  it('a scenario that does not compile names the file, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-bad-'));
    cpSync(fixture('broken-syntax.scenario.ts.txt'), join(dir, 'broken.ts'));
    expectOneClearLine(await runCli(['run', 'broken.ts'], { cwd: dir }), /^squall: broken\.ts:7:17: Unexpected ";"/);
  });

  it('a scenario with no run function', async () => {
    expectOneClearLine(
      await runCli(['run', fixture('no-run.scenario.js')]),
      /^squall: .*no-run\.scenario\.js: no `run` in the default export: expected a function run\(/,
    );
  });

  it('an invalid --stages', async () => {
    expectOneClearLine(
      await runCli(['run', fixture('shop.scenario.ts'), '--stages', '10s:5,forever']),
      /^squall: --stages 10s:5,forever: "forever" is not a stage; expected duration:target like 30s:10/,
    );
  });

  it('an invalid --env and --vus are rejected before anything starts', async () => {
    const env = await runCli(['run', fixture('shop.scenario.ts'), '--env', 'NOEQUALS']);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/--env.*expected KEY=VALUE, got "NOEQUALS"/);
    const vus = await runCli(['run', fixture('shop.scenario.ts'), '--vus', 'many']);
    expect(vus.code).toBe(2);
    expect(vus.stderr).toMatch(/--vus.*expected a whole number/);
  });
});
