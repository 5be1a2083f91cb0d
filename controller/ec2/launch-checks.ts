// What `hosts launch` checks before it asks AWS for anything: money is spent
// the moment instances launch, so every flag that can be wrong is found first.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ssh2 from 'ssh2';
import { InputError } from '../../src/errors.js';
import type { Io } from '../../src/io.js';
import { unwritableDirectory } from '../files.js';
import { shownPath } from '../paths.js';

/** More than this in one launch is a typo more often than a plan; several fleets go further. */
export const MAX_FLEET_SIZE = 500;

export function checkFleetSize(count: number): void {
  if (count > MAX_FLEET_SIZE) throw new InputError(`--count ${count}: at most ${MAX_FLEET_SIZE} instances per launch (a guard against typos); launch several fleets for more`);
}

/** A CIDR the security group can take; says so when it opens SSH to everyone. */
export function checkSshFrom(cidr: string, io: Io): string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (!match || octets.some((o) => o > 255) || prefix > 32) throw new InputError(`--ssh-from ${cidr}: expected a CIDR such as 203.0.113.7/32`);
  if (prefix === 0) io.err(`squall: warning: --ssh-from ${cidr} lets every address on the internet try SSH on the fleet; prefer this machine's address/32\n`);
  return cidr;
}

/** The private key exists, is readable, and is a key ssh2 can use (an encrypted one asks for its passphrase later). */
export function checkIdentityFile(path: string, io: Io): void {
  const file = resolve(io.cwd, path);
  const shown = shownPath(io.cwd, file);
  if (!existsSync(file)) throw new InputError(`--identity-file ${shown}: no such file`);
  if (!statSync(file).isFile()) throw new InputError(`--identity-file ${shown}: not a file`);
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (error) {
    throw new InputError(`--identity-file ${shown}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error && !/passphrase/i.test(parsed.message)) {
    throw new InputError(`--identity-file ${shown}: not a private key ssh can use (${parsed.message})`);
  }
  if (!(parsed instanceof Error) && !(Array.isArray(parsed) ? parsed[0] : parsed)?.isPrivateKey()) {
    throw new InputError(`--identity-file ${shown}: a public key; give the private one`);
  }
}

/** The inventory can be written where asked: a folder that can take a file, and not a folder itself. */
export function checkInventoryPath(path: string, io: Io): void {
  const file = resolve(io.cwd, path);
  const shown = (p: string) => shownPath(io.cwd, p);
  if (existsSync(file) && statSync(file).isDirectory()) throw new InputError(`--out ${shown(file)}: is a folder; give a file name such as ${shown(file)}/fleet.yaml`);
  const problem = unwritableDirectory(dirname(file), shown);
  if (problem) throw new InputError(`--out ${shown(file)}: ${shown(dirname(file))}: ${problem}`);
}
