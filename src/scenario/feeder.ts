// Test data for VUs: `import users from './users.csv?data'` gives a data file
// (read and checked when the scenario is bundled, shipped to every host
// beside the scenario), and `feeder(users, { order: 'unique' })` a function
// that hands out its rows. Part of the public scenario API, so it imports no
// runtime code: the agent answers `next()` through a hook it installs before
// the scenario loads (agent/feeds/), the controller leases `unique` rows to
// agents so no row is used twice in the whole run.

/** What `import x from './file.csv?data'` gives: a handle on the file, not its rows. */
export interface DataFile {
  readonly __squallData: 1;
  /** the file as the scenario names it, for messages and the report */
  readonly name: string;
  /** the rows as JSON lines, next to the scenario bundle on every host */
  readonly file: string;
  readonly rows: number;
}

export type FeederOrder = 'unique' | 'sequence' | 'random' | 'circular';
export type WhenEmpty = 'stop' | 'recycle' | 'fail';

export interface FeederOptions {
  /**
   * unique: each row to exactly one taker in the whole run, over every host (default);
   * circular: the same, starting over once every row was handed out;
   * sequence: each VU walks the rows in order from the first;
   * random: any row, each time.
   */
  order?: FeederOrder;
  /**
   * When `unique` or `sequence` rows are all used: stop (end the load cleanly; unique only,
   * its default), recycle (start over; sequence's default) or fail (`next()` throws, the iteration fails).
   */
  whenEmpty?: WhenEmpty;
  /** one row per VU for its whole life (a login): every `next()` of a VU gives the same row */
  perVu?: boolean;
}

/** A feeder as the agent sees it: the same number in every thread and host, as feeders are made in module order. */
export interface FeederSpec {
  id: string;
  data: Pick<DataFile, 'name' | 'file' | 'rows'>;
  order: FeederOrder;
  whenEmpty: WhenEmpty;
  perVu: boolean;
}

/** What the agent installs before the scenario loads; a feeder asks it for rows. */
export interface FeedHook {
  /** the row for the VU running now (or its own row, perVu) */
  take(spec: FeederSpec): Promise<unknown>;
}

export const FEED_HOOK = Symbol.for('squall.feeds');

/** Thrown by `next()` when a `unique` feeder with whenEmpty 'stop' has no row left: the iteration ends, the load stops. */
export class DataExhausted extends Error {
  override name = 'DataExhausted';
}

let made = 0;

/** The data file's name in a feeder's id ("<n>:<file>"), for messages and the report. */
export function fileOfFeeder(id: string): string {
  return id.slice(id.indexOf(':') + 1);
}

/** A function that hands out the data file's rows: `const user = await next()` in a step or an iteration. */
export function feeder<Row = Record<string, string>>(data: DataFile, options: FeederOptions = {}): () => Promise<Row> {
  if (data?.__squallData !== 1) throw new TypeError("feeder(data): expected a data file: import users from './users.csv?data'");
  const order = options.order ?? 'unique';
  if (options.whenEmpty === 'stop' && order !== 'unique') throw new TypeError(`feeder(${data.name}): whenEmpty 'stop' needs order 'unique'`);
  // A circular feeder is a unique one that starts over: its whenEmpty is always 'recycle'.
  const whenEmpty = order === 'circular' ? 'recycle' : (options.whenEmpty ?? (order === 'unique' ? 'stop' : 'recycle'));
  const spec: FeederSpec = { id: `${made++}:${data.name}`, data: { name: data.name, file: data.file, rows: data.rows }, order, whenEmpty, perVu: options.perVu === true };
  return async () => {
    const hook = (globalThis as { [FEED_HOOK]?: FeedHook })[FEED_HOOK];
    if (!hook) throw new Error(`feeder(${data.name}): rows are handed out only while a VU runs`);
    return (await hook.take(spec)) as Row;
  };
}
