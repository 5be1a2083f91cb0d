// --out: a plain path stays the results folder, kind=target is a live
// output, anything that cannot work is bad input before a run starts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOutFlags, parseQuantiles } from './targets.js';

const cwd = mkdtempSync(join(tmpdir(), 'squall-out-'));

describe('parseOutFlags', () => {
  it('tells the results folder from live outputs, in any order', () => {
    expect(parseOutFlags(['prometheus-rw=http://127.0.0.1:9090/api/v1/write', 'results', 'json=w.jsonl', 'otlp=https://collector:4318/v1/metrics'], cwd)).toEqual({
      resultsDir: 'results',
      outputs: [
        { kind: 'prometheus-rw', target: 'http://127.0.0.1:9090/api/v1/write' },
        { kind: 'json', target: join(cwd, 'w.jsonl') },
        { kind: 'otlp', target: 'https://collector:4318/v1/metrics' },
      ],
    });
    expect(parseOutFlags([], cwd)).toEqual({ outputs: [] });
  });

  it('refuses an unknown kind (pointing at ./ for a folder with "=" in its name), a bad URL and two folders', () => {
    expect(() => parseOutFlags(['influxdb=http://x'], cwd)).toThrow('--out influxdb=http://x: "influxdb" is no output kind; expected a results folder or one of prometheus-rw=…, otlp=…, json=… (a folder whose name has "=" in it: --out ./influxdb=http://x)');
    expect(() => parseOutFlags(['prometheus-rw=localhost:9090'], cwd)).toThrow(/expected an http:\/\/ or https:\/\/ URL, not localhost:/);
    expect(() => parseOutFlags(['otlp=not a url'], cwd)).toThrow('--out otlp=not a url: "not a url" is not a URL; expected OpenTelemetry OTLP/HTTP metrics endpoint');
    expect(() => parseOutFlags(['json='], cwd)).toThrow('--out json=: expected a file');
    expect(() => parseOutFlags(['a', 'b'], cwd)).toThrow('--out a, --out b: one results folder per run');
    expect(parseOutFlags(['./a=b'], cwd)).toEqual({ resultsDir: './a=b', outputs: [] });
  });

  it('refuses a json file whose folder cannot be written', () => {
    expect(() => parseOutFlags(['json=/proc/windows.jsonl'], cwd)).toThrow(/^--out json=\/proc\/windows\.jsonl: its folder \/proc: /);
  });
});

describe('parseQuantiles', () => {
  const prometheus = [{ kind: 'prometheus-rw' as const, target: 'http://127.0.0.1/w' }];

  it('takes quantiles between 0 and 1, sorted and once each', () => {
    expect(parseQuantiles('0.99, 0.5,.9,0.5', prometheus)).toEqual([0.5, 0.9, 0.99]);
  });

  it('refuses what is no quantile, and quantiles with nothing to export them', () => {
    expect(() => parseQuantiles('0.5,95', prometheus)).toThrow('--export-quantiles 0.5,95: expected quantiles between 0 and 1, comma-separated, e.g. 0.5,0.9,0.95,0.99 ("95" is not one)');
    expect(() => parseQuantiles('1.0', prometheus)).toThrow(/"1\.0" is not one/);
    expect(() => parseQuantiles('0.5', [{ kind: 'json', target: '/tmp/w' }])).toThrow('--export-quantiles: only with --out prometheus-rw=… or --out otlp=…');
  });
});
