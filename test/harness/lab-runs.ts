// What runs left on the lab's hosts, and what their agents stored: the checks
// the SSH and fault tests make after a run.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WindowBodySchema } from '../../src/protocol/messages.js';
import type { LabHost } from './ssh-lab.js';

/** Processes of any run on the host: its agent (and the shell around it), Chromium, helpers; '' when none. */
export function runProcesses(host: LabHost): string {
  try {
    return execFileSync('pgrep', ['-af', `[${host.workDir[0]}]${host.workDir.slice(1)}/runs/`], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

/** Resolves with how long it took until no run process is left on `hosts`; rejects after `timeoutMs`. */
export async function untilNoRunProcess(hosts: readonly LabHost[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (hosts.some((h) => runProcesses(h) !== '')) {
    if (Date.now() - started > timeoutMs) throw new Error(`still running after ${timeoutMs} ms:\n${hosts.map(runProcesses).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Date.now() - started;
}

/** The run folders left in the host's work folder. */
export function runFolders(host: LabHost): string[] {
  const runs = join(host.workDir, 'runs');
  return existsSync(runs) ? readdirSync(runs) : [];
}

/** Per agent: the windows stored, and the most VUs any of them had. */
export function agentWindows(dbPath: string, runId: string): Map<string, { vusMax: number; windows: number }> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT agent_id, body FROM agent_windows WHERE run_id = ?').all(runId) as Array<{ agent_id: string; body: string }>;
    const byAgent = new Map<string, { vusMax: number; windows: number }>();
    for (const row of rows) {
      const body = WindowBodySchema.parse((JSON.parse(row.body) as { window: unknown }).window);
      const entry = byAgent.get(row.agent_id) ?? { vusMax: 0, windows: 0 };
      entry.vusMax = Math.max(entry.vusMax, body.vus.max);
      entry.windows += 1;
      byAgent.set(row.agent_id, entry);
    }
    return byAgent;
  } finally {
    db.close();
  }
}
