import { describe, expect, it } from 'vitest';
import { afterMarker, beforeMarker } from './shell-output.js';

describe('output after a marker line', () => {
  it('is what follows the marker, whatever the shell printed before it', () => {
    expect(afterMarker('m\n0\ntail\n', 'm')).toBe('0\ntail\n');
    expect(afterMarker('welcome to the host\nm\n0\n', 'm')).toBe('0\n');
    expect(afterMarker('m\n', 'm')).toBe('');
  });

  it('is nothing before the marker line has come, or when only part of a line names it', () => {
    expect(afterMarker('', 'm')).toBeUndefined();
    expect(afterMarker('welcome\n', 'm')).toBeUndefined();
    expect(afterMarker('m', 'm')).toBeUndefined();
    expect(afterMarker('not m\n0\n', 'm')).toBeUndefined();
    expect(afterMarker('mm\n0\n', 'm')).toBeUndefined();
  });

  it('before it: what the shell and the command printed, through the line before the marker; nothing until it has come', () => {
    expect(beforeMarker('welcome\nhome=/root\n\nm\n', 'm')).toBe('welcome\nhome=/root\n\n');
    expect(beforeMarker('m\nlater\n', 'm')).toBe('');
    expect(beforeMarker('home=/root\nm', 'm')).toBeUndefined();
    expect(beforeMarker('not m\n', 'm')).toBeUndefined();
  });
});
