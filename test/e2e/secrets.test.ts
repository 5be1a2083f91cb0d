// A secret the scenario puts into URLs, console output and error messages
// appears in no output file, no store row and no terminal line, in any of the
// forms it takes (raw, URL-encoded, form-encoded, JSON-escaped): a local run
// and squall check here; over SSH: ssh-hosts.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema } from '../../src/protocol/report.js';
import { spawn } from 'node:child_process';
import { fixture, runCli, SQUALL_BIN } from '../harness/cli.js';
import { SECRET, secretForms, filesUnder } from '../harness/secret-leaks.js';

describe('secrets', () => {
  let app: DemoApp;
  let dir: string;

  beforeAll(async () => {
    app = await startDemoApp({ latencyMs: {} });
    dir = mkdtempSync(join(tmpdir(), 'squall-secrets-'));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('a local run: no output file, store row or terminal line holds the secret in any form, and the scenario had it', async () => {
    const result = await runCli(
      ['run', fixture('secrets.scenario.ts'), '--vus', '1', '--duration', '2s', '--window', '1s', '--env', `TARGET=${app.url}`, '--secret', 'API_KEY', '--out', join(dir, 'out'), '--db', join(dir, 'runs.db'), '--no-dashboard'],
      { env: { API_KEY: SECRET, SQUALL_AGENT_LOG: join(dir, 'out', 'agent.log') } },
    );
    expect(result.code, result.stderr).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
    // The scenario used the real value: the shop was asked with it, and the masked forms are what the report shows.
    expect(app.stats()['GET /api/products']!.hits).toBeGreaterThan(0);
    expect(report.errors[0]!.sample).toContain('the API refused key *** (***)');
    expect(report.evidence.length).toBeGreaterThan(0);
    const places = [...filesUnder(join(dir, 'out')), join(dir, 'runs.db')];
    expect(places.length).toBeGreaterThan(5);
    for (const place of places) {
      const text = readFileSync(place).toString('latin1');
      for (const form of secretForms()) expect(text.includes(form), `${form} in ${place}`).toBe(false);
    }
    for (const form of secretForms()) expect(result.stdout + result.stderr).not.toContain(form);
  }, 60_000);

  it('squall check, the secret from a file: it prints the masked forms only', async () => {
    writeFileSync(join(dir, 'key.txt'), `${SECRET}\n`);
    const check = await runCli(['check', fixture('secrets.scenario.ts'), '--env', `TARGET=${app.url}`, '--secret', 'API_KEY=@key.txt'], { cwd: dir });
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toMatch(/FAIL path with key .*the API refused key \*\*\* \(\*\*\*\)/);
    for (const form of secretForms()) expect(check.stdout + check.stderr).not.toContain(form);
  }, 30_000);

  it('asks for a secret on a terminal without echoing it, and the check masks it as from anywhere else', async () => {
    // A real terminal: util-linux's script gives the command a pty; what is typed there is never shown back.
    const command = [process.execPath, SQUALL_BIN, 'check', fixture('secrets.scenario.ts'), '--env', `TARGET=${app.url}`, '--secret', 'API_KEY'].map((part) => `'${part}'`).join(' ');
    const { API_KEY: _unset, ...env } = process.env;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, env: { ...env, TERM: 'dumb' } });
    let output = '';
    let typed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!typed && output.includes('secret API_KEY: ')) {
        typed = true;
        child.stdin.write(`${SECRET}\r`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(typed).toBe(true);
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL path with key .*the API refused key \*\*\* \(\*\*\*\)/);
    for (const form of secretForms()) expect(output).not.toContain(form);
  }, 30_000);

  it('refuses a secret it cannot read, or one given on the command line: exit 2, one line, nothing run', async () => {
    const missing = await runCli(['check', fixture('secrets.scenario.ts'), '--secret', 'NO_SUCH_SECRET_VAR']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('squall: --secret NO_SUCH_SECRET_VAR: no environment variable NO_SUCH_SECRET_VAR; set it, or give --secret NO_SUCH_SECRET_VAR=@file');
    const inline = await runCli(['run', fixture('secrets.scenario.ts'), '--secret', 'API_KEY=hunter22']);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('a value is never given on the command line');
    expect(inline.stderr).not.toContain('hunter22');
  });
});
