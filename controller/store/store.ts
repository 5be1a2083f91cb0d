// The run store: one SQLite file (WAL) that keeps every run, its agents, the
// raw windows they sent and the merged series. Writes are synchronous, so a
// method that returned has committed: the hub acks only after that.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../src/errors.js';
import { PRIVATE_FILE, PRIVATE_FOLDER, fileProblem, makeDirectory } from '../files.js';
import { StepAccumulator } from '../../src/metrics/step-stats.js';
import { WindowBodySchema, type WindowBody } from '../../src/protocol/messages.js';
import { MergedWindowSchema, type MergedWindow } from '../../src/protocol/merged.js';
import {
  AgentRecordSchema,
  RunRecordSchema,
  type AgentRecord,
  type AgentRecordInput,
  type AgentStatus,
  type FeederAccount,
  type StopCause,
  type RunRecord,
  type RunStatus,
} from '../../src/protocol/store.js';
import { EvidenceTable } from './evidence.js';
import { migrate } from './migrate.js';
import { STORE_DDL } from './schema.js';
import { storeWriteProblem } from './write-problem.js';

export type SaveResult = 'new' | 'duplicate' | 'replaced';

export class RunStore {
  readonly evidence: EvidenceTable;

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly inode: number | undefined,
  ) {
    this.evidence = new EvidenceTable(db);
  }

  /** False once the store's file was deleted or replaced under it: what it takes now is lost when it closes. */
  stillAtItsPath(): boolean {
    if (this.inode === undefined) return true;
    try {
      return statSync(this.path).ino === this.inode;
    } catch {
      return false;
    }
  }

  static open(path: string): RunStore {
    let db: Database.Database;
    try {
      if (path !== ':memory:') {
        makeDirectory(dirname(path), PRIVATE_FOLDER);
        // SQLite gives its -wal and -shm files the database file's mode: made private here, they are too.
        if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE));
      }
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // Checkpoints copy the WAL into the database file; done on every commit
      // past 1000 pages they triple the cost of taking in a window. The run
      // checkpoints when agents are quiet instead (checkpoint()).
      db.pragma('wal_autocheckpoint = 0');
      db.exec(STORE_DDL);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code?.startsWith('E') ? fileProblem(path, error) : (error as Error).message;
      throw new InputError(`--db ${path}: cannot open it as a squall store (${why})`);
    }
    migrate(db, path);
    return new RunStore(db, path, path === ':memory:' ? undefined : statSync(path).ino);
  }

  close(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      // A full disk keeps the WAL as it is: SQLite replays it at the next open.
      if (storeWriteProblem(error) === undefined) throw error;
    } finally {
      this.db.close();
    }
  }

  /** Moves committed WAL pages into the database file without waiting on readers. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  createRun(run: RunRecord): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, scenario, scenario_path, started_at, ended_at, status, window_ms, plan, config, owner_host, owner_pid, heartbeat_at, error)
         VALUES (@id, @scenario, @scenarioPath, @startedAt, @endedAt, @status, @windowMs, @plan, @config, @ownerHost, @ownerPid, @heartbeatAt, @error)`,
      )
      .run({
        ...run,
        endedAt: run.endedAt ?? null,
        plan: JSON.stringify(run.plan),
        config: JSON.stringify(run.config),
        ownerHost: run.owner?.host ?? null,
        ownerPid: run.owner?.pid ?? null,
        heartbeatAt: run.heartbeatAt ?? null,
        error: run.error ?? null,
      });
  }

  /** The run's controller is alive: readers tell a live run from one whose controller died by this. */
  touchRun(runId: string, at: number): void {
    this.statement(`UPDATE runs SET heartbeat_at = ? WHERE id = ?`).run(at, runId);
  }

  setRunStarted(runId: string, startedAt: number): void {
    this.db.prepare(`UPDATE runs SET started_at = ?, status = 'running' WHERE id = ?`).run(startedAt, runId);
  }

  /** The run's unique feeders' rows as they ended. */
  setRunData(runId: string, accounts: readonly FeederAccount[]): void {
    this.db.prepare(`UPDATE runs SET data_json = ? WHERE id = ?`).run(JSON.stringify(accounts), runId);
  }

  /** The threshold that stopped the run's load. */
  setRunStopped(runId: string, cause: StopCause): void {
    this.db.prepare(`UPDATE runs SET stopped_json = ? WHERE id = ?`).run(JSON.stringify(cause), runId);
  }

  finishRun(runId: string, status: RunStatus, endedAt: number, error?: string): void {
    this.db.prepare(`UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?`).run(status, endedAt, error ?? null, runId);
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(runId) as Record<string, unknown> | undefined;
    return row ? runFromRow(row) : undefined;
  }

  /** Newest first, with the peak of active VUs each reached. */
  listRuns(limit = 1000): Array<RunRecord & { peakVus: number }> {
    const rows = this.db
      .prepare(
        // From the merged series; for a run whose controller died before merging, from its raw windows.
        `SELECT r.*, COALESCE(
           (SELECT MAX(json_extract(m.body, '$.vus.max')) FROM merged_windows m WHERE m.run_id = r.id),
           (SELECT MAX(total) FROM (SELECT SUM(json_extract(a.body, '$.window.vus.max')) AS total FROM agent_windows a WHERE a.run_id = r.id GROUP BY a.window_start))
         ) AS peak_vus
         FROM runs r ORDER BY r.started_at DESC, r.id DESC LIMIT ?`,
      )
      .all(limit) as Record<string, unknown>[];
    return rows.map((row) => ({ ...runFromRow(row), peakVus: Number(row.peak_vus ?? 0) }));
  }

  /** Run ids that `query` names: an id, a prefix of ids, or "last" (the newest). */
  matchRunIds(query: string): string[] {
    if (query === 'last') return this.db.prepare(`SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1`).pluck().all() as string[];
    const exact = this.db.prepare(`SELECT id FROM runs WHERE id = ?`).pluck().all(query) as string[];
    if (exact.length > 0) return exact;
    const escaped = query.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    return this.db.prepare(`SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 5`).pluck().all(`${escaped}%`) as string[];
  }

  upsertAgent(runId: string, agent: AgentRecordInput): void {
    this.db
      .prepare(
        `INSERT INTO agents (run_id, agent_id, host, planned_vus, status, facts, chromium, lost_at, error, reconnects, longest_gap_ms, expected_windows)
         VALUES (@runId, @agentId, @host, @plannedVus, @status, @facts, @chromium, @lostAt, @error, @reconnects, @longestGapMs, @expectedWindows)
         ON CONFLICT (run_id, agent_id) DO UPDATE SET host = excluded.host, planned_vus = excluded.planned_vus,
           status = excluded.status, facts = excluded.facts, chromium = excluded.chromium,
           lost_at = excluded.lost_at, error = excluded.error, reconnects = excluded.reconnects,
           longest_gap_ms = excluded.longest_gap_ms, expected_windows = excluded.expected_windows`,
      )
      .run({
        runId,
        ...agent,
        facts: agent.facts ? JSON.stringify(agent.facts) : null,
        chromium: agent.chromium ?? null,
        lostAt: agent.lostAt ?? null,
        error: agent.error ?? null,
        reconnects: agent.reconnects ?? 0,
        longestGapMs: agent.longestGapMs ?? null,
        expectedWindows: agent.expectedWindows ?? null,
      });
  }

  agents(runId: string): AgentRecord[] {
    const rows = this.db.prepare(`SELECT * FROM agents WHERE run_id = ? ORDER BY agent_id`).all(runId) as Record<string, unknown>[];
    return rows.map((row) =>
      AgentRecordSchema.parse({
        agentId: row.agent_id,
        host: row.host,
        plannedVus: row.planned_vus,
        status: row.status as AgentStatus,
        facts: row.facts ? JSON.parse(row.facts as string) : undefined,
        chromium: row.chromium ?? undefined,
        lostAt: row.lost_at ?? undefined,
        error: row.error ?? undefined,
        reconnects: row.reconnects ?? 0,
        longestGapMs: row.longest_gap_ms ?? undefined,
        expectedWindows: row.expected_windows ?? undefined,
      }),
    );
  }

  /**
   * Upsert on (run, agent, windowStart): a resent window changes nothing.
   * `frame` is the window message as the agent sent it (a resend is the same
   * text), stored as is: no second serialisation on the hot path.
   */
  saveWindow(runId: string, agentId: string, seq: number, windowStart: number, frame: string, receivedAt: number): SaveResult {
    const json = frame;
    // The common case, a window not seen before, is one insert and no read.
    const inserted = this.statement(
      `INSERT INTO agent_windows (run_id, agent_id, window_start, seq, received_at, body) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, agent_id, window_start) DO NOTHING`,
    ).run(runId, agentId, windowStart, seq, receivedAt, json);
    if (inserted.changes === 1) return 'new';
    const existing = this.statement(`SELECT body FROM agent_windows WHERE run_id = ? AND agent_id = ? AND window_start = ?`)
      .pluck()
      .get(runId, agentId, windowStart) as string | undefined;
    if (existing === json) return 'duplicate';
    this.statement(`UPDATE agent_windows SET seq = ?, received_at = ?, body = ? WHERE run_id = ? AND agent_id = ? AND window_start = ?`).run(
      seq,
      receivedAt,
      json,
      runId,
      agentId,
      windowStart,
    );
    return 'replaced';
  }

  /** Runs `work` in one transaction: one commit for many windows. */
  batch<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once: preparing costs more than running on the hot path. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  agentWindows(runId: string, windowStart?: number): Array<{ agentId: string; body: WindowBody }> {
    const rows = (
      windowStart === undefined
        ? this.db.prepare(`SELECT agent_id, body FROM agent_windows WHERE run_id = ? ORDER BY window_start, agent_id`).all(runId)
        : this.db
            .prepare(`SELECT agent_id, body FROM agent_windows WHERE run_id = ? AND window_start = ? ORDER BY agent_id`)
            .all(runId, windowStart)
    ) as Array<{ agent_id: string; body: string }>;
    return rows.map((row) => ({ agentId: row.agent_id, body: WindowBodySchema.parse((JSON.parse(row.body) as { window: unknown }).window) }));
  }

  /**
   * The agents that sent windows in the run, its first window start, how
   * many windows there are and the most from one agent; undefined when none
   * came. One pass over the run's keys.
   */
  windowRange(runId: string): { agents: string[]; first: number; windows: number; mostOfOneAgent: number } | undefined {
    const rows = this.db
      .prepare(`SELECT agent_id, MIN(window_start) AS first, COUNT(*) AS n FROM agent_windows WHERE run_id = ? GROUP BY agent_id ORDER BY agent_id`)
      .all(runId) as Array<{ agent_id: string; first: number; n: number }>;
    if (rows.length === 0) return undefined;
    return {
      agents: rows.map((row) => row.agent_id),
      first: Math.min(...rows.map((row) => row.first)),
      windows: rows.reduce((sum, row) => sum + row.n, 0),
      mostOfOneAgent: Math.max(...rows.map((row) => row.n)),
    };
  }

  /**
   * One agent's windows in order, one at a time: a long run's do not fit in
   * memory together. Read as stored: the hub validated each before it was.
   */
  eachWindowOf(runId: string, agentId: string, visit: (body: WindowBody) => void): void {
    const rows = this.statement(`SELECT body FROM agent_windows WHERE run_id = ? AND agent_id = ? ORDER BY window_start`).pluck().iterate(runId, agentId);
    for (const frame of rows as Iterable<string>) visit(bodyOfFrame(frame));
  }

  /** Every agent's windows that start in [from, to), by interval in order. */
  windowsBetween(runId: string, agents: readonly string[], from: number, to: number): Array<Array<{ agentId: string; body: WindowBody }>> {
    const byStart = new Map<number, Array<{ agentId: string; body: WindowBody }>>();
    const read = this.statement(`SELECT body FROM agent_windows WHERE run_id = ? AND agent_id = ? AND window_start >= ? AND window_start < ? ORDER BY window_start`).pluck();
    for (const agentId of agents) {
      for (const frame of read.all(runId, agentId, from, to) as string[]) {
        const body = bodyOfFrame(frame);
        const list = byStart.get(body.windowStart);
        if (list) list.push({ agentId, body });
        else byStart.set(body.windowStart, [{ agentId, body }]);
      }
    }
    return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
  }

  /** The first window start at or after `from` of any of `agents`; undefined when there is none. */
  nextWindowStart(runId: string, agents: readonly string[], from: number): number | undefined {
    const next = this.statement(`SELECT MIN(window_start) FROM agent_windows WHERE run_id = ? AND agent_id = ? AND window_start >= ?`).pluck();
    let first: number | undefined;
    for (const agentId of agents) {
      const start = next.get(runId, agentId, from) as number | null;
      if (start !== null && (first === undefined || start < first)) first = start;
    }
    return first;
  }

  /** The merged series in order, one window at a time. */
  eachMergedWindow(runId: string, visit: (window: MergedWindow) => void): void {
    const rows = this.statement(`SELECT body FROM merged_windows WHERE run_id = ? ORDER BY window_start`).pluck().iterate(runId);
    for (const body of rows as Iterable<string>) visit(JSON.parse(body) as MergedWindow);
  }

  /** Drops what the run's end derives from the raw windows: the merged series and a long run's spans. */
  clearDerived(runId: string): void {
    for (const table of ['merged_windows', 'series', 'report_spans', 'report_rollups']) this.db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(runId);
  }

  saveSpans(runId: string, owner: string, spans: ReadonlyArray<{ windowStart: number }>): void {
    const put = this.statement(`INSERT OR REPLACE INTO report_spans (run_id, owner, span_start, body) VALUES (?, ?, ?, ?)`);
    this.batch(() => spans.forEach((span) => put.run(runId, owner, span.windowStart, JSON.stringify(span))));
  }

  eachSpan(runId: string, owner: string, visit: (body: unknown) => void): void {
    const rows = this.statement(`SELECT body FROM report_spans WHERE run_id = ? AND owner = ? ORDER BY span_start`).pluck().iterate(runId, owner);
    for (const body of rows as Iterable<string>) visit(JSON.parse(body));
  }

  saveRollup(runId: string, rollup: { factor: number; windows: number; tallies: unknown }): void {
    this.statement(`INSERT OR REPLACE INTO report_rollups (run_id, factor, windows, tallies) VALUES (?, ?, ?, ?)`).run(runId, rollup.factor, rollup.windows, JSON.stringify(rollup.tallies));
  }

  rollup(runId: string): { factor: number; windows: number; tallies: unknown } | undefined {
    const row = this.statement(`SELECT factor, windows, tallies FROM report_rollups WHERE run_id = ?`).get(runId) as { factor: number; windows: number; tallies: string } | undefined;
    return row && { factor: row.factor, windows: row.windows, tallies: JSON.parse(row.tallies) };
  }

  saveMerged(runId: string, windows: readonly MergedWindow[]): void {
    const putWindow = this.db.prepare(
      `INSERT OR REPLACE INTO merged_windows (run_id, window_start, body) VALUES (?, ?, ?)`,
    );
    const dropSeries = this.db.prepare(`DELETE FROM series WHERE run_id = ? AND window_start = ?`);
    const putSeries = this.db.prepare(
      `INSERT INTO series (run_id, window_start, step, count, failed, p50, p95, max) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const window of windows) {
        putWindow.run(runId, window.windowStart, JSON.stringify(window));
        dropSeries.run(runId, window.windowStart);
        for (const [step, stats] of Object.entries(window.steps)) {
          const acc = StepAccumulator.of(stats);
          putSeries.run(runId, window.windowStart, step, stats.count, stats.failed, acc.percentile(0.5), acc.percentile(0.95), stats.maxMs);
        }
      }
    })();
  }

  mergedWindows(runId: string): MergedWindow[] {
    const rows = this.db
      .prepare(`SELECT body FROM merged_windows WHERE run_id = ? ORDER BY window_start`)
      .pluck()
      .all(runId) as string[];
    return rows.map((body) => MergedWindowSchema.parse(JSON.parse(body)));
  }
}

/** A stored window frame's body; `saturated` was added with a default, so older frames may lack it. */
function bodyOfFrame(frame: string): WindowBody {
  const { window } = JSON.parse(frame) as { window: WindowBody };
  window.saturated ??= false;
  return window;
}

function runFromRow(row: Record<string, unknown>): RunRecord {
  return RunRecordSchema.parse({
    id: row.id,
    scenario: row.scenario,
    scenarioPath: row.scenario_path,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    status: row.status,
    windowMs: row.window_ms,
    plan: JSON.parse(row.plan as string),
    config: JSON.parse(row.config as string),
    owner: row.owner_host != null ? { host: row.owner_host, pid: row.owner_pid } : undefined,
    heartbeatAt: row.heartbeat_at ?? undefined,
    error: row.error ?? undefined,
    data: row.data_json != null ? JSON.parse(row.data_json as string) : undefined,
    stoppedBy: row.stopped_json != null ? JSON.parse(row.stopped_json as string) : undefined,
  });
}
