// --secret NAME: a value the scenario reads as secrets.NAME, from the
// environment variable of that name, from a file (--secret NAME=@path), or
// asked for on a terminal without echo. Values go to agents in memory only and
// are masked (src/secrets/redact.ts) in everything squall writes or prints.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../src/errors.js';
import type { Io } from '../src/io.js';
import { MIN_SECRET_LENGTH, Redactor } from '../src/secrets/redact.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `asked`: the terminal prompt, for a secret neither in the environment nor in a file */
/** `io` with the secrets' values masked in what it prints. */
export function maskedIo<T extends Io>(io: T, secrets: Readonly<Record<string, string>>): T {
  const redactor = new Redactor(Object.values(secrets));
  if (redactor.empty) return io;
  return { ...io, out: (text: string) => io.out(redactor.text(text)), err: (text: string) => io.err(redactor.text(text)) };
}

export async function readSecrets(given: readonly string[], io: Pick<Io, 'cwd' | 'isTTY' | 'env'>, asked: (name: string) => Promise<string> = askOnTerminal): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const spec of given) {
    const [name, source] = spec.includes('=') ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)] : [spec, undefined];
    if (!NAME.test(name)) throw new InputError(`--secret ${name}: expected a name such as API_KEY (letters, digits, _), or NAME=@file`);
    let value: string;
    if (source !== undefined) {
      if (!source.startsWith('@') || source.length < 2) throw new InputError(`--secret ${name}=...: a value is never given on the command line (it would be in your shell's history and the process list); use NAME=@file, or the environment variable ${name}`);
      try {
        value = readFileSync(resolve(io.cwd, source.slice(1)), 'utf8').replace(/\r?\n$/, '');
      } catch {
        throw new InputError(`--secret ${name}=${source}: no such file`);
      }
    } else if (io.env[name] !== undefined) {
      value = io.env[name]!;
    } else if (io.isTTY && process.stdin.isTTY) {
      value = await asked(name);
    } else {
      throw new InputError(`--secret ${name}: no environment variable ${name}; set it, or give --secret ${name}=@file`);
    }
    if (value.length < MIN_SECRET_LENGTH) throw new InputError(`--secret ${name}: shorter than ${MIN_SECRET_LENGTH} characters; masking it would hide ordinary text everywhere`);
    secrets[name] = value;
  }
  return secrets;
}

/** Reads a line from the terminal without echoing it. */
function askOnTerminal(name: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const input = process.stdin;
    // Echo off before the prompt shows: what is typed (or pasted) at once is never shown back.
    input.setRawMode(true);
    process.stderr.write(`secret ${name}: `);
    input.resume();
    input.setEncoding('utf8');
    let value = '';
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new InputError(`--secret ${name}: not given`));
        if (char === '\u007f') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
  });
}
