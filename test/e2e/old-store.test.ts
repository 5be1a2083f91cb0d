// A store written by squall before browser metrics (commit c3fba28: windows of
// format 1, no evidence table) still lists and renders, with the numbers that
// squall wrote then, and no request, vitals or evidence sections.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/protocol/report.js';
import { fixture, squall } from '../harness/cli.js';

describe('a store from before browser metrics', () => {
  it('renders its run as it was, in every format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-old-store-'));
    const db = join(dir, 'old.db');
    copyFileSync(fixture('store-before-browser-metrics.db'), db);
    const then = JSON.parse(readFileSync(fixture('store-before-browser-metrics.report.json'), 'utf8'));

    const runs = await squall(['runs', '--db', db]);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toContain(then.run.id);

    const json = await squall(['report', 'last', '--db', db, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const now = ReportSchema.parse(JSON.parse(json.stdout));
    expect(now.steps).toEqual(then.steps);
    expect(now.iterations).toEqual(then.iterations);
    expect(now.series).toEqual(then.series);
    expect(now.requests).toBeUndefined();
    expect(now.pageViews).toBeUndefined();
    expect(now.evidence).toEqual([]);

    const html = await squall(['report', 'last', '--db', db, '--format', 'html', '--out', join(dir, 'html')]);
    expect(html.code, html.stderr).toBe(0);
    const page = readFileSync(join(dir, 'html', 'report.html'), 'utf8');
    expect(page).toContain('<section id="steps">');
    expect(page).not.toContain('<section id="requests">');
    const csv = await squall(['report', 'last', '--db', db, '--format', 'csv', '--out', join(dir, 'csv')]);
    expect(csv.stdout).toMatch(/wrote .*series\.csv\n$/);
  });
});
