// Folders the user names, made and checked with a reason when they cannot be.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory, unwritableDirectory } from './files.js';

describe('makeDirectory and unwritableDirectory', () => {
  it('fails at once under /proc, where a recursive mkdirSync never returns', () => {
    expect(() => makeDirectory('/proc/squall-nothing/sub')).toThrow(/ENOENT/);
    expect(unwritableDirectory('/proc/squall-nothing')).toBe('cannot be created there (no such file or directory)');
  });

  it('names the file that stands where a folder should be', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-files-'));
    writeFileSync(join(dir, 'notes.txt'), '');
    expect(unwritableDirectory(join(dir, 'notes.txt', 'a', 'b'))).toBe(`${join(dir, 'notes.txt')} is a file, not a folder`);
    expect(unwritableDirectory(join(dir, 'notes.txt'))).toBe(`${join(dir, 'notes.txt')} is a file, not a folder`);
  });

  it('proves a new folder writable without leaving it behind; makeDirectory makes every level', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-files-'));
    expect(unwritableDirectory(join(dir, 'a', 'b', 'c'))).toBeUndefined();
    expect(existsSync(join(dir, 'a'))).toBe(false);
    makeDirectory(join(dir, 'a', 'b', 'c'));
    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
  });
});
