// The rows a feeder hands out, by its order: unique and circular indexes come
// from an index source (the controller's leases, so no row is used twice in
// the whole run; one local counter for `squall check`), sequence from each
// VU's own cursor, random from anywhere. One per agent process: VU workers
// ask it through the main thread.
import { join } from 'node:path';
import type { FeederSpec } from '../../src/scenario/feeder.js';
import { RowFile } from './row-file.js';

/** Where a unique or circular feeder's next index comes from; undefined: none is left. */
export interface IndexSource {
  next(spec: FeederSpec): Promise<number | undefined>;
}

/** A row that cannot be handed out: `name` is the error the VU's `next()` throws. */
export class NoRow extends Error {
  constructor(
    override readonly name: 'DataExhausted' | 'FeederEmpty',
    message: string,
  ) {
    super(message);
  }
}

export class FeedRows {
  private readonly files = new Map<string, RowFile>();
  private readonly cursors = new Map<string, number>();

  /** `dataDir`: where the scenario bundle is, its data files beside it */
  constructor(
    private readonly dataDir: string,
    private readonly indexes: IndexSource,
  ) {}

  async take(spec: FeederSpec, vu: number): Promise<unknown> {
    const file = this.fileOf(spec);
    return file.row(await this.indexFor(spec, vu, file.rows));
  }

  private async indexFor(spec: FeederSpec, vu: number, rows: number): Promise<number> {
    if (spec.order === 'random') return Math.floor(Math.random() * rows);
    if (spec.order === 'sequence') {
      const key = `${spec.id}:${vu}`;
      const taken = this.cursors.get(key) ?? 0;
      if (taken >= rows && spec.whenEmpty === 'fail') throw new NoRow('FeederEmpty', `${spec.data.name}: VU ${vu} used all ${rows} rows`);
      this.cursors.set(key, taken + 1);
      return taken % rows;
    }
    const index = await this.indexes.next(spec);
    if (index !== undefined) return index;
    if (spec.whenEmpty === 'fail') throw new NoRow('FeederEmpty', `${spec.data.name}: all ${rows} rows are used`);
    throw new NoRow('DataExhausted', `${spec.data.name}: all ${rows} rows are used; the load stops`);
  }

  private fileOf(spec: FeederSpec): RowFile {
    let file = this.files.get(spec.data.file);
    if (!file) {
      file = RowFile.open(join(this.dataDir, spec.data.file));
      this.files.set(spec.data.file, file);
    }
    return file;
  }
}

/** `squall check`'s unique rows: one VU, this process, the file in order (starting over for circular). */
export class LocalIndexes implements IndexSource {
  private readonly taken = new Map<string, number>();

  async next(spec: FeederSpec): Promise<number | undefined> {
    const taken = this.taken.get(spec.id) ?? 0;
    if (taken >= spec.data.rows && spec.whenEmpty !== 'recycle') return undefined;
    this.taken.set(spec.id, taken + 1);
    return taken % spec.data.rows;
  }
}
