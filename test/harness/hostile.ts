// Generators of hostile input for the fuzz tests: what an untrusted page, a
// broken agent or a token holder could hand squall.
import fc from 'fast-check';

/** Strings a page controls: any code unit, escape sequences, malformed `%`, and some very long ones. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 2, arbitrary: fc.constantFrom('%', '%E0%A4%A', '/img/100%/x.png', '\x1b]0;owned\x07', '\x1b[2J\x1b[H', '\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', '\r\n\t\0', '<script>alert(1)</script>', '"],"x":{', '__proto__', 'constructor', 'other', '') },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 300_000 }).map((n) => '\x1b'.repeat(3) + 'A'.repeat(n)) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  );

/** Numbers a page's own timing script could be made to report. */
export const hostileNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.double(),
    fc.integer(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0, 2 ** 53, 1e308, Number.MIN_VALUE),
    fc.double({ min: 0, max: 60_000, noNaN: true }),
  );

/** Control and escape bytes no terminal line or CSV cell of squall's may carry (tab and newline aside). */
export const CONTROL_BYTES = /[\x00-\x08\x0b-\x1f\x7f\x9b]/;
