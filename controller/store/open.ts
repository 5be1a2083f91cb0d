// The store as the history commands find it: the user's --db, $SQUALL_DB,
// or squall-results/squall.db, and runs named by id, prefix or "last".
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { shownPath } from '../paths.js';
import { RunStore } from './store.js';

export function defaultDbPath(io: Io): string {
  return io.env.SQUALL_DB ?? join(io.cwd, 'squall-results', 'squall.db');
}

/** Opens an existing store, runs `use`, closes it. */
export function withExistingStore<T>(io: Io, db: string | undefined, use: (store: RunStore) => T): T {
  const path = resolve(io.cwd, db ?? defaultDbPath(io));
  if (!existsSync(path)) throw new InputError(`no run store at ${shownPath(io.cwd, path)}: run a test first, or pass --db`);
  const store = RunStore.open(path);
  try {
    return use(store);
  } finally {
    store.close();
  }
}

export function resolveRunId(store: RunStore, query: string): string {
  const ids = store.matchRunIds(query);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw new InputError(`no run "${query}" in the store (squall runs lists them)`);
  throw new InputError(`"${query}" matches several runs (${ids.join(', ')}…); give more of the id`);
}
