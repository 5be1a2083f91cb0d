// A data file's rows as the agent reads them: JSON lines (the bundle wrote
// every CSV, JSON array or JSON lines file so), held once per agent process
// with an index of where each line starts, a row parsed only when it is
// handed out: a million rows cost the file's bytes and 8 MB, not a million
// objects in every VU.
import { readFileSync } from 'node:fs';

export class RowFile {
  private readonly starts: Float64Array;

  private constructor(private readonly bytes: Buffer) {
    const starts: number[] = [];
    for (let at = 0; at < bytes.length; ) {
      const end = bytes.indexOf(0x0a, at);
      starts.push(at);
      at = end < 0 ? bytes.length : end + 1;
    }
    this.starts = Float64Array.from(starts);
  }

  static open(path: string): RowFile {
    return new RowFile(readFileSync(path));
  }

  get rows(): number {
    return this.starts.length;
  }

  row(index: number): unknown {
    const start = this.starts[index];
    if (start === undefined) throw new RangeError(`row ${index} of ${this.rows}`);
    const next = this.starts[index + 1] ?? this.bytes.length;
    return JSON.parse(this.bytes.toString('utf8', start, next));
  }
}
