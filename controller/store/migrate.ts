// Opening a store an older squall wrote: its layout is brought up to this
// version's, in one transaction; a store from a newer squall is refused.
import type Database from 'better-sqlite3';
import { InputError } from '../../src/errors.js';
import { STORE_MIGRATIONS, STORE_SCHEMA_VERSION } from './schema.js';

/** Brings an older store up to this version's layout, or refuses a newer one. */
export function migrate(db: Database.Database, path: string): void {
  const version = db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get() as string | undefined;
  if (version === undefined) {
    db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?)`).run(String(STORE_SCHEMA_VERSION));
    return;
  }
  const current = Number(version);
  // The usual case writes nothing: readers of a store must not contend with the run writing it.
  if (current === STORE_SCHEMA_VERSION) return;
  if (!(current in STORE_MIGRATIONS)) {
    db.close();
    throw new InputError(`--db ${path}: store schema ${version} is not one this squall reads (it reads up to ${STORE_SCHEMA_VERSION})`);
  }
  try {
    // IMMEDIATE, and the version read again inside: of two squalls opening an old store at once, one migrates.
    db.transaction(() => {
      let at = Number(db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get());
      for (; at < STORE_SCHEMA_VERSION; at += 1) db.exec(STORE_MIGRATIONS[at]!);
      db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema'`).run(String(STORE_SCHEMA_VERSION));
    }).immediate();
  } catch (error) {
    db.close();
    throw new InputError(`--db ${path}: cannot bring store schema ${version} up to ${STORE_SCHEMA_VERSION} (${(error as Error).message})`);
  }
}
