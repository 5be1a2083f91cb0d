// A scenario's data file (`import users from './users.csv?data'`), read and
// checked when the scenario is bundled (the file and line of a bad row, exit 2
// before anything starts) and written as JSON lines beside the bundle, named
// by its content's hash: the agent reads one format, the upload cache sends a
// file once per host. CSV (with a header), a JSON array, or JSON lines.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, renameSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse } from 'csv-parse';
import { InputError } from '../src/errors.js';

export interface WrittenData {
  /** the file's name in the bundle's folder and on every host */
  name: string;
  path: string;
  hash: string;
  size: number;
  rows: number;
}

export const DATA_EXTENSIONS = ['.csv', '.json', '.jsonl', '.ndjson'];

export async function writeDataFile(absolute: string, shownPath: string, outDir: string): Promise<WrittenData> {
  const kind = extname(absolute).toLowerCase();
  if (!DATA_EXTENSIONS.includes(kind)) throw new InputError(`${shownPath}: a data file is .csv (with a header), .json (an array) or .jsonl (a JSON value per line)`);
  try {
    if (!statSync(absolute).isFile()) throw new Error('not a file');
  } catch {
    throw new InputError(`${shownPath}: no such data file`);
  }
  const temporary = join(outDir, `.data-${process.pid}-${Date.now()}.jsonl`);
  const out = await open(temporary, 'w');
  const hash = createHash('sha256');
  let rows = 0;
  let size = 0;
  let pending: string[] = [];
  const flush = async () => {
    const text = pending.join('');
    pending = [];
    hash.update(text);
    size += Buffer.byteLength(text);
    await out.write(text);
  };
  const add = async (row: unknown) => {
    pending.push(`${JSON.stringify(row)}\n`);
    rows += 1;
    if (pending.length >= 10_000) await flush();
  };
  try {
    if (kind === '.csv') await readCsv(absolute, shownPath, add);
    else if (kind === '.json') await readJsonArray(absolute, shownPath, add);
    else await readJsonLines(absolute, shownPath, add);
    await flush();
  } finally {
    await out.close();
  }
  if (rows === 0) throw new InputError(`${shownPath}: no rows${kind === '.csv' ? ' under the header' : ''}`);
  const digest = hash.digest('hex');
  const name = `data-${digest.slice(0, 16)}.jsonl`;
  const path = join(outDir, name);
  renameSync(temporary, path);
  return { name, path, hash: digest, size, rows };
}

async function readCsv(absolute: string, shownPath: string, add: (row: unknown) => Promise<void>): Promise<void> {
  const parser = createReadStream(absolute).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: false }));
  try {
    for await (const record of parser) await add(record);
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    const message = (error as Error).message.replace(/ on line \d+$/, '').replace(/^Invalid Record Length: /, '');
    throw new InputError(`${shownPath}${lines ? `:${lines}` : ''}: ${message}`);
  }
}

async function readJsonArray(absolute: string, shownPath: string, add: (row: unknown) => Promise<void>): Promise<void> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new InputError(`${shownPath}: not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new InputError(`${shownPath}: expected a JSON array of rows, e.g. [{"user": "ann"}, {"user": "bob"}]`);
  for (const [index, row] of data.entries()) {
    if (row === null || row === undefined) throw new InputError(`${shownPath}: row ${index} is null`);
    await add(row);
  }
}

async function readJsonLines(absolute: string, shownPath: string, add: (row: unknown) => Promise<void>): Promise<void> {
  const { createInterface } = await import('node:readline');
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(absolute), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${shownPath}:${line}: not JSON: ${(error as Error).message}`);
    }
    if (row === null) throw new InputError(`${shownPath}:${line}: a row is null`);
    await add(row);
  }
}
