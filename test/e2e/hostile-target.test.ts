// A target that is hostile to the tool, through `squall run` and `squall
// check` (issue 26): bare and malformed `%` escapes in its URLs, terminal
// escape sequences in its console errors and error messages, a 2 MB error
// class name. The run completes and reconciles, its report files render, and
// nothing the target sent reaches the terminal as a control sequence.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ERROR_CLASS_CHARS } from '../../src/bounded-text.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, runCli, type CliResult } from '../harness/cli.js';

const ESCAPES = '\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07';
const HUGE_NAME = 'E'.repeat(2_000_000);

function hostilePage(): string {
  return `<!doctype html><title>hostile</title>
<img src="/img/100%/x.png"><img src="/img/%E0%A4%A/y.png">
<p id="says" data-name="${HUGE_NAME}">${ESCAPES.replace(/\x07/g, '&#7;').replace(/\x1b/g, '&#27;')} says the page</p>
<script>
console.error(${JSON.stringify(ESCAPES)} + ' from the console');
fetch('/api/50%off').then(() => { const done = document.createElement('p'); done.id = 'done'; document.body.append(done); });
</script>`;
}

describe('a hostile target', () => {
  let server: Server;
  let url: string;
  const hits = new Map<string, number>();
  let dir: string;
  let run: CliResult;
  let report: Report;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(hostilePage());
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${ESCAPES}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'squall-hostile-'));
    run = await runCli([
      'run', fixture('hostile.scenario.ts'), '--duration', '3s', '--window', '1s', '--env', `TARGET=${url}`,
      '--out', join(dir, 'run'), '--db', join(dir, 'runs.db'), '--no-dashboard',
      '--threshold', `requests:${url}/api/50%off:count>0`,
    ]);
    report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'run', 'report.json'), 'utf8')));
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('completes, with every home view the target served and its requests by their labels as they stand', () => {
    expect(run.stderr).not.toMatch(/internal error|URIError/);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(report.run.status).toBe('completed');
    expect(report.steps.find((s) => s.name === 'home')!.count).toBe(hits.get('/'));
    const labels = report.requests!.map((r) => r.label);
    expect(labels).toEqual(expect.arrayContaining([`${url}/img/100%/x.png`, `${url}/img/%E0%A4%A/y.png`, `${url}/api/50%off`]));
    expect(report.thresholds.every((t) => t.passed)).toBe(true);
  });

  it("names puppeteer's timeout as puppeteer does, and bounds the page's error class name", () => {
    const errorOf = (step: string) => report.steps.find((s) => s.name === step)!.errors[0]!;
    expect(errorOf('never').errorClass).toBe('TimeoutError');
    expect(errorOf('page says').errorClass).toHaveLength(MAX_ERROR_CLASS_CHARS);
    expect(errorOf('page says').errorClass.startsWith('EEEE')).toBe(true);
  });

  it('writes no control sequence to the terminal, nor to requests.csv', () => {
    expect(run.stdout).toContain('says the page');
    for (const text of [run.stdout, run.stderr, readFileSync(join(dir, 'run', 'requests.csv'), 'utf8')]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    }
  });

  it('squall check shows the same failures without a control sequence, and exits 1', async () => {
    for (const [first, shown] of [['never', /FAIL never .*TimeoutError: Waiting for selector/], ['says', /FAIL page says .*E…: .*says the page/]] as const) {
      const check = await runCli(['check', fixture('hostile.scenario.ts'), '--env', `TARGET=${url}`, '--env', `FIRST=${first}`], { cwd: dir });
      expect(check.code, check.stdout + check.stderr).toBe(1);
      expect(check.stdout).toMatch(shown);
      // eslint-disable-next-line no-control-regex
      expect(check.stdout + check.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    }
  });
});
