// Failed steps' evidence in the run store: the screenshot as a BLOB, the rest
// as the JSON the agent sent.
import type Database from 'better-sqlite3';
import { EvidenceSchema, type Evidence } from '../../src/protocol/messages.js';

export interface StoredEvidence extends Omit<Evidence, 'screenshot'> {
  agentId: string;
  seq: number;
  /** the JPEG, decoded */
  screenshot?: Buffer;
}

export class EvidenceTable {
  constructor(private readonly db: Database.Database) {}

  /** Idempotent by (run, agent, seq): a resent message is saved once. */
  save(runId: string, agentId: string, seq: number, evidence: Evidence): void {
    const { screenshot, ...rest } = evidence;
    this.db
      .prepare(`INSERT OR IGNORE INTO evidence (run_id, agent_id, seq, at, error_class, body, screenshot) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(runId, agentId, seq, evidence.at, evidence.errorClass, JSON.stringify(rest), screenshot ? Buffer.from(screenshot, 'base64') : null);
  }

  /** Oldest first. */
  list(runId: string): StoredEvidence[] {
    const rows = this.db
      .prepare(`SELECT agent_id, seq, body, screenshot FROM evidence WHERE run_id = ? ORDER BY at, agent_id, seq`)
      .all(runId) as Array<{ agent_id: string; seq: number; body: string; screenshot: Buffer | null }>;
    return rows.map((row) => {
      const body = EvidenceSchema.omit({ screenshot: true }).parse(JSON.parse(row.body));
      return { ...body, agentId: row.agent_id, seq: row.seq, ...(row.screenshot ? { screenshot: row.screenshot } : {}) };
    });
  }
}
