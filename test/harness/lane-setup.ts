// Global set-up of both lanes, run once however many projects ask: dist/ built
// for the e2e lane, so end-to-end tests run the same agent bundle and CLI a
// user gets; and the machine lock every test file claims (machine-lock.ts).
import { execFileSync } from 'node:child_process';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { serveMachineLock } from './machine-lock.js';

declare module 'vitest' {
  export interface ProvidedContext {
    machineLock: string;
    lane: string;
  }
}

const LOCK_PATH = join(tmpdir(), `squall-test-machine-${process.pid}.sock`);
let built = false;
let lock: Promise<Server> | undefined;
let users = 0;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (project.name === 'e2e' && !built) {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
    built = true;
  }
  lock ??= serveMachineLock(LOCK_PATH);
  await lock;
  users += 1;
  project.provide('machineLock', LOCK_PATH);
  project.provide('lane', project.name);
  return async () => {
    users -= 1;
    if (users === 0 && lock) {
      const server = await lock;
      lock = undefined;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}
