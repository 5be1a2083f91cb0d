// Runs before every e2e file: it waits for its claim on the machine (alone or
// shared, machine-lock.ts) and holds it until its last hook is done.
// SQUALL_TEST_TIMELINE=<file> appends when each file waited, started and ended.
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { claimMachine, claimOf } from './machine-lock.js';

let release: (() => void) | undefined;
let file = '';
const asked = Date.now();
let granted = 0;

beforeAll(async ({}, suite) => {
  file = basename('filepath' in suite ? suite.filepath : suite.file.filepath);
  release = await claimMachine(inject('machineLock'), claimOf(file));
  granted = Date.now();
  // The wait for a turn is not the file's time: it may be minutes.
}, 60 * 60_000);

afterAll(() => {
  release?.();
  const timeline = process.env.SQUALL_TEST_TIMELINE;
  if (timeline) appendFileSync(timeline, `${file} ${claimOf(file)} asked ${asked} granted ${granted} released ${Date.now()}\n`);
});
