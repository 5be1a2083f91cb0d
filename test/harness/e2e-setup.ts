// Global set-up of the e2e lane: dist/ built once, so end-to-end tests run the
// same agent bundle and CLI a user gets; and the machine lock its files claim
// (machine-lock.ts).
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { serveMachineLock } from './machine-lock.js';

declare module 'vitest' {
  export interface ProvidedContext {
    machineLock: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
  const path = join(tmpdir(), `squall-test-machine-${process.pid}.sock`);
  const server = await serveMachineLock(path);
  project.provide('machineLock', path);
  return () => new Promise((resolve) => server.close(() => resolve()));
}
