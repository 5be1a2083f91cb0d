import { describe, expect, it } from 'vitest';
import { MASK, Redactor } from './redact.js';

const SECRET = 's3cr3t/K+y=1&x y';

describe('the redactor', () => {
  const redactor = new Redactor([SECRET, 'tok-12345']);

  it('masks a value and every encoded form a page gives it', () => {
    for (const form of [SECRET, encodeURIComponent(SECRET), encodeURI(SECRET), encodeURIComponent(SECRET).replace(/%20/g, '+'), 's3cr3t/K%2By%3D1%26x%20y']) {
      expect(redactor.text(`GET https://api.example/v1?key=${form}&q=1 failed`)).toBe(`GET https://api.example/v1?key=${MASK}&q=1 failed`);
    }
    expect(redactor.text('Error: token tok-12345 refused, tok-12345 again')).toBe(`Error: token ${MASK} refused, ${MASK} again`);
  });

  it('masks values inside a JSON frame and leaves it JSON', () => {
    const frame = JSON.stringify({ message: `key "${SECRET}" in ${encodeURIComponent(SECRET)}`, url: `/x/${SECRET}` });
    const masked = redactor.json(frame);
    expect(masked).not.toContain('s3cr3t');
    expect(JSON.parse(masked)).toEqual({ message: `key "${MASK}" in ${MASK}`, url: `/x/${MASK}` });
  });

  it('leaves text without a secret as it is, and ignores values too short to mask', () => {
    expect(redactor.text('nothing here')).toBe('nothing here');
    expect(new Redactor(['abc']).empty).toBe(true);
    expect(new Redactor(['abc']).text('abc abc')).toBe('abc abc');
  });
});
