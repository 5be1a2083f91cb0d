// The live dashboard in a real terminal: squall runs inside tmux; we read the
// screen with capture-pane and press keys with send-keys.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/protocol/report.js';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { fixture, SQUALL_BIN } from '../harness/cli.js';

const SESSION = `squall-dash-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', SESSION);
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the dashboard in a terminal', () => {
  let app: DemoApp;
  let dir: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: { 'GET /api/products': 100, 'POST /api/cart': 50 } });
    dir = mkdtempSync(join(tmpdir(), 'squall-tmux-'));
  });

  afterAll(async () => {
    try {
      tmux('kill-session', '-t', SESSION);
    } catch {
      // already gone
    }
    await app?.close();
  });

  it('shows step names and a chart within the first windows; q stops it and the report is written', async () => {
    const command = [
      `env -u CI ${process.execPath} ${SQUALL_BIN} run ${fixture('shop.scenario.ts')}`,
      `--vus 2 --duration 2m --window 2s --env TARGET=${app.url} --out ${dir}/out --db ${dir}/runs.db`,
      `; echo $? > ${dir}/exit; sleep 120`,
    ].join(' ');
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', command);
    const started = Date.now();
    const shown = await waitFor(
      'step names and a chart',
      () => {
        const text = screen();
        return /^home\s+\d+/m.test(text) && /^add to cart\s+\d+/m.test(text) && text.includes('p95 response time') && /\d+ms┼/.test(text) ? text : undefined;
      },
      30_000,
    );
    // Within the first windows: the window is 2 s.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(shown).toContain('squall ');
    expect(shown).toMatch(/^localhost\s+running\s+2\/2/m);
    for (const line of shown.split('\n')) expect(line.length).toBeLessThanOrEqual(120);

    tmux('send-keys', '-t', SESSION, 'q');
    // The shell creates the file before it writes the code: an empty file is not the answer yet.
    const exitCode = await waitFor('squall to exit', () => (existsSync(`${dir}/exit`) ? readFileSync(`${dir}/exit`, 'utf8').trim() || undefined : undefined), 60_000);
    expect(exitCode).toBe('3');
    const report = ReportSchema.parse(JSON.parse(readFileSync(`${dir}/out/report.json`, 'utf8')));
    expect(report.run.status).toBe('aborted');
    expect(report.steps.find((s) => s.name === 'add to cart')!.count).toBe(app.stats()['POST /api/cart']!.hits);
    expect(screen()).toMatch(/wrote .*report\.json/);
  });
});
