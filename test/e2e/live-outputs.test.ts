// Live outputs of one run, all at once: --out prometheus-rw into Debian's
// real Prometheus (its remote-write receiver, on loopback, started here with
// no scrape targets), --out otlp into a receiver that decodes with the
// official OpenTelemetry protos, --out json, and a second OTLP target that
// goes down halfway. After the run Prometheus' HTTP API and the OTLP receiver
// give report.json's numbers, every query of the Grafana dashboard
// (grafana/squall-dashboard.json) finds series, so the dashboard cannot name
// a metric that does not exist, and the summary counts what the target that
// went down never got.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '../../controller/demo/server.js';
import { ReportSchema, type Report } from '../../src/protocol/report.js';
import { fixture, ROOT, runCli, type CliResult } from '../harness/cli.js';
import { startOtlpReceiver, type DecodedMetric, type OtlpReceiver } from '../harness/otlp-receiver.js';
import { freePort } from '../harness/sshd.js';

const PROMETHEUS = '/usr/bin/prometheus';
/** What the test puts in for Grafana's $__rate_interval: a few of the run's 1 s windows. */
const RATE_INTERVAL = '5s';
const WINDOW_MS = 1000;

interface Prometheus {
  url: string;
  process: ChildProcess;
  output(): string;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('squall run --out prometheus-rw, otlp and json, one target going down', () => {
  let prometheus: Prometheus | undefined;
  let otlp: OtlpReceiver | undefined;
  let goesDown: OtlpReceiver | undefined;
  let app: DemoApp | undefined;
  let dir: string;
  let result: CliResult;
  let report: Report;
  let runId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'squall-live-outputs-'));
    [prometheus, app, otlp, goesDown] = await Promise.all([startPrometheus(dir), startDemoApp(), startOtlpReceiver(), startOtlpReceiver()]);
    // Down once it has taken 3 of the run's 5 or 6 windows: the other half never reach it.
    const halfway = setInterval(() => {
      if (goesDown!.requests.length < 3) return;
      clearInterval(halfway);
      void goesDown!.down();
    }, 50);
    result = await runCli([
      'run', fixture('live-outputs.scenario.ts'),
      '--vus', '2', '--duration', '5s', '--window', `${WINDOW_MS}ms`,
      '--env', `TARGET=${app.url}`,
      '--out', `prometheus-rw=${prometheus.url}/api/v1/write`,
      '--out', `otlp=${otlp.url}`,
      '--out', `otlp=${goesDown.url}`,
      '--out', `json=${join(dir, 'windows.jsonl')}`,
      '--out', join(dir, 'out'), '--db', join(dir, 'runs.db'), '--no-dashboard',
    ]);
    clearInterval(halfway);
    report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
    runId = report.run.id;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([app?.close(), prometheus && stopProcess(prometheus.process), otlp?.close(), goesDown?.close()]);
  });

  /**
   * The instant vector of `expr` at the run's end: its last batch is stamped
   * with its last window's end, which a load that stops mid-window puts a
   * little after the moment the run is over.
   */
  const query = async (expr: string, time = runEnd()): Promise<Sample[]> => {
    const params = new URLSearchParams({ query: expr, time: String(time) });
    const response = await fetch(`${prometheus!.url}/api/v1/query?${params}`);
    const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: Sample[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  };
  const runEnd = () => {
    const lastWindowEnd = Date.parse(report.run.startedAt) + report.series.at(-1)!.t + WINDOW_MS;
    return Math.max(Date.now(), lastWindowEnd) / 1000;
  };
  const one = async (expr: string): Promise<number> => {
    const samples = await query(expr);
    expect(samples, expr).toHaveLength(1);
    return Number(samples[0]!.value[1]);
  };

  it('runs with every window delivered but to the target that went down, which the summary counts', () => {
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/prometheus-rw .*not delivered/);
    expect(result.stdout).not.toContain(`${otlp!.url}:`);
    const [, missed, offered] = new RegExp(`^otlp ${goesDown!.url}: (\\d+) of (\\d+) windows not delivered \\(.*ECONNREFUSED.*\\)$`, 'm').exec(result.stdout) ?? [];
    expect(Number(missed), result.stdout).toBeGreaterThan(0);
    expect(Number(missed)).toBe(Number(offered) - goesDown!.requests.length);
    expect(goesDown!.requests.length).toBeGreaterThanOrEqual(3);
    // Nothing refused on Prometheus' side either (an out-of-order or duplicate sample is logged there).
    expect(prometheus!.output()).not.toMatch(/level=(warn|error)/);
    // The scenario fails every third iteration's second step: counts to compare that are not all zero.
    expect(report.steps.map((s) => [s.name, s.count > 0, s.failed > 0])).toEqual([
      ['home', true, false],
      ['product', true, true],
    ]);
  });

  it("gives each step's attempts, failures and run-so-far percentiles as report.json does", async () => {
    for (const step of report.steps) {
      const labels = `run_id="${runId}", step="${step.name}"`;
      expect(await one(`squall_step_attempts_total{${labels}}`), step.name).toBe(step.count);
      expect(await one(`squall_step_failures_total{${labels}}`), step.name).toBe(step.failed);
      for (const [quantile, reported] of [['0.5', step.p50], ['0.9', step.p90], ['0.95', step.p95], ['0.99', step.p99]] as const) {
        // Both rounded to hundredths from the same merged histogram: equal, allowing the rounding once.
        expect(Math.abs((await one(`squall_step_duration_run_ms{${labels}, quantile="${quantile}"}`)) - reported), `${step.name} p${quantile}`).toBeLessThanOrEqual(0.01);
      }
      const succeeded = step.count - step.failed;
      expect(await one(`squall_step_duration_ms_count{${labels}}`)).toBe(succeeded);
      expect(await one(`squall_step_duration_ms_sum{${labels}}`) / succeeded).toBeCloseTo(step.mean, 1);
    }
  });

  it("gives iterations, VUs and requests by status class as report.json does", async () => {
    const run = `run_id="${runId}"`;
    expect(await one(`squall_iterations_started_total{${run}}`)).toBe(report.iterations.started);
    expect(await one(`squall_iterations_completed_total{${run}}`)).toBe(report.iterations.completed);
    expect(await one(`squall_iterations_failed_total{${run}}`)).toBe(report.iterations.failed);
    expect(await one(`max_over_time(squall_vus{${run}}[5m])`)).toBe(report.vus.max);
    expect(await one(`squall_agents{${run}}`)).toBe(1);
    const requests = await query(`squall_requests_total{${run}}`);
    const exported = Object.fromEntries(requests.map((s) => [`${s.metric.label} ${s.metric.status_class}`, Number(s.value[1])]));
    const reported = Object.fromEntries(report.requests!.flatMap((r) => Object.entries(r.statuses).map(([status, n]) => [`${r.label} ${status}`, n])));
    expect(exported).toEqual(reported);
    expect(reported[`${app!.url}/api/products/none 4xx`]).toBeGreaterThan(0);
  });

  it("gives OTLP each step's cumulative attempts and failures as report.json does, decoded with the official protos", () => {
    const last = otlp!.requests.at(-1)!;
    const metrics = last.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((scope) => scope.metrics));
    const byStep = (metric: DecodedMetric | undefined) =>
      Object.fromEntries(
        (metric?.sum?.dataPoints ?? []).map((point) => [point.attributes.find((a) => a.key === 'step')?.value.stringValue, point.asDouble ?? point.asInt]),
      );
    const attempts = metrics.find((m) => m.name === 'squall.step_attempts');
    expect(attempts?.sum?.aggregationTemporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
    expect(byStep(attempts)).toEqual(Object.fromEntries(report.steps.map((step) => [step.name, step.count])));
    expect(byStep(metrics.find((m) => m.name === 'squall.step_failures'))).toEqual(Object.fromEntries(report.steps.map((step) => [step.name, step.failed])));
    const resource = last.resourceMetrics[0]!.resource!.attributes;
    expect(resource.find((a) => a.key === 'squall.run_id')?.value.stringValue).toBe(runId);
  });

  it('writes one JSON line per window, whose steps add up to report.json', () => {
    const lines = readFileSync(join(dir, 'windows.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; runId: string; window: { steps: Record<string, { count: number }> } });
    expect(lines.filter((line) => line.type === 'window').length).toBe(report.series.length);
    expect(new Set(lines.map((line) => line.runId))).toEqual(new Set([runId]));
    for (const step of report.steps) {
      expect(lines.reduce((sum, line) => sum + (line.window.steps[step.name]?.count ?? 0), 0), step.name).toBe(step.count);
    }
  });

  it('finds series for every query of the Grafana dashboard, and the run among its run_id choices', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'grafana', 'squall-dashboard.json'), 'utf8')) as Dashboard;
    expect(dashboard.__inputs.map((input) => input.name)).toEqual(['DS_PROMETHEUS']);
    const variable = dashboard.templating.list.find((v) => v.name === 'run_id')!;
    expect(variable.definition).toBe('label_values(squall_vus, run_id)');
    const choices = (await (await fetch(`${prometheus!.url}/api/v1/label/run_id/values?${new URLSearchParams({ 'match[]': 'squall_vus' })}`)).json()) as { data: string[] };
    expect(choices.data).toContain(runId);

    // Where Grafana's graph ends: the last batch of the run.
    const [last] = await query(`timestamp(squall_vus{run_id="${runId}"})`);
    const end = Number(last!.value[1]);
    const targets = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })));
    expect(targets.length).toBeGreaterThanOrEqual(9);
    const empty: string[] = [];
    for (const { panel, expr } of targets) {
      const resolved = expr.replaceAll(/\$\{?run_id\}?/g, runId).replaceAll(/\$\{?__rate_interval\}?/g, RATE_INTERVAL);
      expect(resolved, `${panel}: a variable the test does not fill`).not.toContain('$');
      if ((await query(resolved, end)).length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });
});

interface Dashboard {
  __inputs: Array<{ name: string }>;
  templating: { list: Array<{ name: string; definition: string }> };
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

/** Prometheus on a free loopback port, scraping nothing, taking remote writes; resolves once it says it is ready. */
async function startPrometheus(dir: string): Promise<Prometheus> {
  const home = join(dir, 'prometheus');
  mkdirSync(home);
  writeFileSync(join(home, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
  const port = await freePort('127.0.0.1');
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(home, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(home, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const gone = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`${PROMETHEUS}: ${error.message} (npm run setup:test installs Debian's prometheus)`)));
    child.once('exit', (code) => reject(new Error(`prometheus exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
  gone.catch(() => undefined);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`${url}/-/ready`).then(
        (response) => response.ok,
        () => false,
      ),
      gone,
    ]);
    if (ready) return { url, process: child, output: () => output };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus not ready within 30 s:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGTERM, and SIGKILL if it has not exited within 5 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
