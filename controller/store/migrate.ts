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
  let current = Number(version);
  if (!(current in STORE_MIGRATIONS) && current !== STORE_SCHEMA_VERSION) {
    db.close();
    throw new InputError(`--db ${path}: store schema ${version} is not one this squall reads (it reads up to ${STORE_SCHEMA_VERSION})`);
  }
  db.transaction(() => {
    for (; current < STORE_SCHEMA_VERSION; current += 1) db.exec(STORE_MIGRATIONS[current]!);
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema'`).run(String(STORE_SCHEMA_VERSION));
  })();
}
