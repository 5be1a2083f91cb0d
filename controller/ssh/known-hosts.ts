// known_hosts, read the way OpenSSH reads it: plain and hashed host names,
// [host]:port for other ports, wildcards and negations, @revoked. Pure apart
// from the file helpers at the end.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectory } from '../files.js';

export interface KnownHostEntry {
  line: number;
  marker?: string;
  hosts: string;
  keyType: string;
  key: string;
}

export type HostKeyVerdict =
  | { kind: 'known' }
  | { kind: 'unknown' }
  | { kind: 'changed'; line: number; knownFingerprint: string; knownType: string }
  | { kind: 'revoked'; line: number };

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return;
    entries.push({ line: index + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return entries;
}

/** How OpenSSH names a host in known_hosts: bare on port 22, [host]:port otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcardMatch(pattern: string, text: string): boolean {
  const regex = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(text);
}

export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const token = hostToken(host, port);
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt, hash] = entry.hosts.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of entry.hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), token)) return false;
    } else if (wildcardMatch(pattern, token)) {
      matched = true;
    }
  }
  return matched;
}

export function fingerprint(keyBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}

/**
 * A key that matches a known entry is known. A host known only by other keys
 * (of the same or of another type) has changed: that is never accepted, as
 * we ask the server for the key types we know first.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, keyBase64: string): HostKeyVerdict {
  const forHost = entries.filter((entry) => entryMatches(entry, host, port) && entry.marker !== '@cert-authority');
  const revoked = forHost.find((entry) => entry.marker === '@revoked' && entry.key === keyBase64);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const plain = forHost.filter((entry) => entry.marker === undefined);
  if (plain.some((entry) => entry.keyType === keyType && entry.key === keyBase64)) return { kind: 'known' };
  const other = plain.find((entry) => entry.keyType === keyType) ?? plain[0];
  if (other) return { kind: 'changed', line: other.line, knownFingerprint: fingerprint(other.key), knownType: other.keyType };
  return { kind: 'unknown' };
}

/** Key types known for a host, to ask the server for those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  return [...new Set(entries.filter((e) => !e.marker && entryMatches(e, host, port)).map((e) => e.keyType))];
}

export function readKnownHosts(path: string): KnownHostEntry[] {
  return existsSync(path) ? parseKnownHosts(readFileSync(path, 'utf8')) : [];
}

export function appendKnownHost(path: string, host: string, port: number, keyType: string, keyBase64: string): void {
  makeDirectory(dirname(path), 0o700);
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  appendFileSync(path, `${separator}${hostToken(host, port)} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
}
