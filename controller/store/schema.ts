// SQLite layout of the run store. Raw agent windows are the source of truth;
// the merged series is derived from them and can always be rebuilt.
export const STORE_SCHEMA_VERSION = 4;

export const STORE_DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  scenario TEXT NOT NULL,
  scenario_path TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  status TEXT NOT NULL,
  window_ms INTEGER NOT NULL,
  plan TEXT NOT NULL,
  config TEXT NOT NULL,
  owner_host TEXT,
  owner_pid INTEGER,
  heartbeat_at INTEGER,
  error TEXT,
  data_json TEXT,
  stopped_json TEXT
);
CREATE TABLE IF NOT EXISTS agents (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  host TEXT NOT NULL,
  planned_vus INTEGER NOT NULL,
  status TEXT NOT NULL,
  facts TEXT,
  chromium TEXT,
  lost_at INTEGER,
  error TEXT,
  reconnects INTEGER NOT NULL DEFAULT 0,
  longest_gap_ms INTEGER,
  expected_windows INTEGER,
  PRIMARY KEY (run_id, agent_id)
);
CREATE TABLE IF NOT EXISTS agent_windows (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  -- the agent's window message, as received (its "window" field is the body)
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, agent_id, window_start)
);
CREATE TABLE IF NOT EXISTS merged_windows (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  window_start INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, window_start)
);
-- a failed step's evidence (the agent's evidence message without its screenshot, which is a BLOB);
-- added without a version step: older squalls never read it, and CREATE IF NOT EXISTS adds it to their stores
CREATE TABLE IF NOT EXISTS evidence (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  error_class TEXT NOT NULL,
  body TEXT NOT NULL,
  screenshot BLOB,
  PRIMARY KEY (run_id, agent_id, seq)
);
-- a long run's series and agents' windows folded into spans at its end (controller/store/rollups.ts),
-- owner '' for the merged series, else the agent's id; added without a version step, like evidence
CREATE TABLE IF NOT EXISTS report_spans (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  owner TEXT NOT NULL,
  span_start INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, owner, span_start)
);
-- the spans' factor, how many raw windows they were made of (a window stored later makes them stale), each agent's tally
CREATE TABLE IF NOT EXISTS report_rollups (
  run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  factor INTEGER NOT NULL,
  windows INTEGER NOT NULL,
  tallies TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS series (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  window_start INTEGER NOT NULL,
  step TEXT NOT NULL,
  count INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  p50 REAL NOT NULL,
  p95 REAL NOT NULL,
  max REAL NOT NULL,
  PRIMARY KEY (run_id, window_start, step)
);
`;

/**
 * Steps from each older layout to the next, by the version they start from.
 * Version 1 did not know which controller owned a run: its runs still marked
 * running or preparing get a heartbeat as old as their start, so they read
 * as interrupted.
 */
export const STORE_MIGRATIONS: Record<number, string> = {
  1: `
ALTER TABLE runs ADD COLUMN owner_host TEXT;
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;
ALTER TABLE runs ADD COLUMN error TEXT;
ALTER TABLE agents ADD COLUMN reconnects INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN longest_gap_ms INTEGER;
ALTER TABLE agents ADD COLUMN expected_windows INTEGER;
UPDATE runs SET heartbeat_at = started_at WHERE status IN ('running', 'preparing');
`,
  2: `
ALTER TABLE runs ADD COLUMN data_json TEXT;
`,
  3: `
ALTER TABLE runs ADD COLUMN stopped_json TEXT;
`,
};
