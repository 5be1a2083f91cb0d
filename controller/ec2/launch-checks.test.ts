// The launch's own checks, which need no AWS: a CIDR open to everyone is
// allowed with a warning, a public key is not an identity.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/io.js';
import { checkIdentityFile, checkSshFrom } from './launch-checks.js';

describe('launch checks', () => {
  it('warns when SSH is opened to every address, and takes a narrow CIDR silently', () => {
    const io = memoryIo();
    expect(checkSshFrom('203.0.113.7/32', io)).toBe('203.0.113.7/32');
    expect(io.stderr()).toBe('');
    expect(checkSshFrom('0.0.0.0/0', io)).toBe('0.0.0.0/0');
    expect(io.stderr()).toMatch(/^squall: warning: --ssh-from 0\.0\.0\.0\/0 lets every address on the internet try SSH on the fleet/);
  });

  it('takes a private key and refuses its public half', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-keys-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
    const io = memoryIo({ cwd: dir });
    expect(() => checkIdentityFile('id', io)).not.toThrow();
    expect(() => checkIdentityFile('id.pub', io)).toThrow(/--identity-file id\.pub: /);
  });
});
