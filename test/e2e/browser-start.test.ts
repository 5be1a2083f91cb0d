// Chromium that dies while it starts. A crash at start on a busy host should
// cost a retry, not the run; a browser that can never start fails the run with
// its reason, after a bounded number of tries.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/browser-path.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture, runCli } from '../harness/cli.js';

/**
 * A Chromium that crashes (SIGSEGV, with a line on stderr) on its first
 * `crashes` starts and is the real one after. Named like the headless shell so
 * it is launched as one.
 */
function crashingChromium(dir: string, crashes: number): string {
  const found = findBrowser(undefined);
  if ('error' in found) throw new Error(found.error);
  const counter = join(dir, 'starts');
  const path = join(dir, 'chromium-headless-shell');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `echo x >> '${counter}'`,
      `if [ "$(wc -l < '${counter}')" -le ${crashes} ]; then echo 'simulated crash at start' >&2; kill -SEGV $$; fi`,
      `exec '${found.path}' "$@"`,
    ].join('\n') + '\n',
    { mode: 0o755 },
  );
  return path;
}

function starts(dir: string): number {
  const counter = join(dir, 'starts');
  return existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0;
}

describe('Chromium that fails to start', () => {
  let app: DemoApp;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 50, 'POST /api/cart': 20 } });
  });

  afterAll(async () => {
    await app?.close();
  });

  function run(dir: string, browserPath: string) {
    return runCli([
      'run', fixture('shop.scenario.ts'),
      '--vus', '1', '--duration', '2s', '--window', '1s',
      '--env', `TARGET=${app.url}`,
      '--browser-path', browserPath,
      '--out', join(dir, 'out'), '--db', join(dir, 'runs.db'),
    ]);
  }

  function check(browserPath: string) {
    return runCli(['check', fixture('shop.scenario.ts'), '--env', `TARGET=${app.url}`, '--browser-path', browserPath]);
  }

  it('once: the agent says so, starts it again, and the run completes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-crash-once-'));
    const result = await run(dir, crashingChromium(dir, 1));
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/did not start \(attempt 1 of 3\), trying again/);
    expect(result.code).toBe(0);
    expect(starts(dir)).toBe(2);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
    expect(report.run.status).toBe('completed');
    expect(report.steps.find((s) => s.name === 'home')!.count).toBeGreaterThan(0);
  });

  it('every time: the run fails after three tries, with the reason and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-crash-always-'));
    const result = await run(dir, crashingChromium(dir, 99));
    expect(result.code).not.toBe(0);
    // What Chromium printed is in the reason: puppeteer.launch would have said only "Target closed".
    expect(result.stderr).toMatch(
      /^squall: agent local \(localhost\) could not start: Chromium at \S+ did not start: .+; Chromium printed: simulated crash at start \(tried 3 times\)$/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(starts(dir)).toBe(3);
  });

  it('squall check: tries again too, and a browser that never starts is a plain error', async () => {
    const once = mkdtempSync(join(tmpdir(), 'squall-check-crash-'));
    const recovered = await check(crashingChromium(once, 1));
    expect(recovered.stderr).toMatch(/did not start \(attempt 1 of 3\), trying again/);
    expect(recovered.code).toBe(0);

    const always = mkdtempSync(join(tmpdir(), 'squall-check-crash-'));
    const failed = await check(crashingChromium(always, 99));
    expect(failed.code).toBe(2); // as for a missing Chromium: squall could not run the check
    expect(failed.stderr).toMatch(/^squall: Chromium at \S+ did not start: .+; Chromium printed: simulated crash at start \(tried 3 times\)$/m);
    expect(failed.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a file that cannot be run at all (its #! interpreter is missing) is named, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-check-unrunnable-'));
    const path = join(dir, 'chromium-headless-shell');
    writeFileSync(path, '#!/nonexistent/interpreter\n', { mode: 0o755 });
    const result = await check(path);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^squall: Chromium at \S+ did not start: cannot run it: spawn \S+ ENOENT \(the file is there: .+\) \(tried 3 times\)$/m);
    expect(result.stderr).not.toMatch(/Unhandled|\n\s+at /);
  });
});
