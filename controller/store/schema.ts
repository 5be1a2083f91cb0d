// SQLite layout of the run store. Raw agent windows are the source of truth;
// the merged series is derived from them and can always be rebuilt.
export const STORE_SCHEMA_VERSION = 1;

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
  config TEXT NOT NULL
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
