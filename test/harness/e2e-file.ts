// Runs before every e2e file: it waits for its claim on the machine (alone or
// shared, machine-lock.ts) and holds it until its last hook is done.
import { afterAll, beforeAll, inject } from 'vitest';
import { claimMachine, claimOf } from './machine-lock.js';

let release: (() => void) | undefined;

beforeAll(async ({}, suite) => {
  const file = 'filepath' in suite ? suite.filepath : suite.file.filepath;
  release = await claimMachine(inject('machineLock'), claimOf(file));
  // The wait for a turn is not the file's time: it may be minutes.
}, 60 * 60_000);

afterAll(() => release?.());
