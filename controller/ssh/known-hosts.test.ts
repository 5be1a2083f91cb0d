import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryMatches, fingerprint, knownKeyTypes, parseKnownHosts, verifyHostKey } from './known-hosts.js';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIIlaZQJdEXMgGybokD6wEoUjjdEZH/ckvKaWt1eKvUqz';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBG4s4dK7w6T0u5O0b0m8q3sUuZpCJ4bqkq2m1ld0s0B';

function hashed(token: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(token).digest('base64')}`;
}

describe('known_hosts', () => {
  it('matches plain, [host]:port, wildcard, negated and hashed names', () => {
    const [plain, ported, wild, hashedEntry] = parseKnownHosts(
      [
        `web1,10.0.0.5 ssh-ed25519 ${KEY_A}`,
        `[127.0.0.3]:2222 ssh-ed25519 ${KEY_A}`,
        `*.example.com,!bad.example.com ssh-ed25519 ${KEY_A}`,
        `${hashed('[127.0.0.4]:2200')} ssh-ed25519 ${KEY_A}`,
      ].join('\n'),
    );
    expect(entryMatches(plain!, '10.0.0.5', 22)).toBe(true);
    expect(entryMatches(plain!, '10.0.0.5', 2222)).toBe(false);
    expect(entryMatches(ported!, '127.0.0.3', 2222)).toBe(true);
    expect(entryMatches(ported!, '127.0.0.3', 22)).toBe(false);
    expect(entryMatches(wild!, 'a.example.com', 22)).toBe(true);
    expect(entryMatches(wild!, 'bad.example.com', 22)).toBe(false);
    expect(entryMatches(hashedEntry!, '127.0.0.4', 2200)).toBe(true);
    expect(entryMatches(hashedEntry!, '127.0.0.4', 22)).toBe(false);
  });

  it('tells known, unknown, changed and revoked keys apart', () => {
    const entries = parseKnownHosts(
      [`# comment`, `[h]:2222 ssh-ed25519 ${KEY_A}`, `@revoked * ssh-ed25519 ${KEY_B}`, `r ssh-rsa AAAAB3NzaC1yc2E=`].join('\n'),
    );
    expect(verifyHostKey(entries, 'h', 2222, 'ssh-ed25519', KEY_A)).toEqual({ kind: 'known' });
    expect(verifyHostKey(entries, 'other', 2222, 'ssh-ed25519', KEY_A)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(entries, 'h', 2222, 'ssh-ed25519', 'AAAAC3NzaC1lZDI1NTE5AAAAIDifferentKeyDifferentKeyDifferentKey0')).toEqual({
      kind: 'changed',
      line: 2,
      knownFingerprint: fingerprint(KEY_A),
      knownType: 'ssh-ed25519',
    });
    expect(verifyHostKey(entries, 'anyhost', 22, 'ssh-ed25519', KEY_B)).toEqual({ kind: 'revoked', line: 3 });
    // Known only by an RSA key, offered an Ed25519 key: treated as changed, never trusted as new.
    expect(verifyHostKey(entries, 'r', 22, 'ssh-ed25519', KEY_A)).toMatchObject({ kind: 'changed', knownType: 'ssh-rsa' });
    expect(knownKeyTypes(entries, 'r', 22)).toEqual(['ssh-rsa']);
  });

  it('fingerprints like ssh-keygen -l (SHA256, base64 without padding)', () => {
    expect(fingerprint(KEY_A)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
