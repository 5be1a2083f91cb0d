// Wraps every test file: it waits for its claim on the machine
// (machine-lock.ts; a fast-lane file claims `background` and runs at the
// lowest CPU priority meanwhile), and holds it until the file's last hook is
// done, however that ends.
// SQUALL_TEST_TIMELINE=<file> appends when each file waited, started and ended.
import { appendFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { basename } from 'node:path';
import { aroundAll, inject } from 'vitest';
import { claimMachine, claimOf } from './machine-lock.js';

/** The lowest CPU priority: a background file takes only what the others leave idle. */
const BACKGROUND_NICE = 19;

aroundAll(
  async (runFile, {}, suite) => {
    const asked = Date.now();
    const file = basename('filepath' in suite ? suite.filepath : suite.file.filepath);
    const claim = inject('lane') === 'fast' ? 'background' : claimOf(file);
    const release = await claimMachine(inject('machineLock'), claim);
    const granted = Date.now();
    // On Linux a nice value is a thread's: this worker thread (or fork) only.
    const priority = getPriority();
    if (claim === 'background') setPriority(BACKGROUND_NICE);
    try {
      await runFile();
    } finally {
      // Back to where it was: raising a priority again needs root; without it the worker stays low.
      if (claim === 'background') {
        try {
          setPriority(priority);
        } catch {}
      }
      release();
      const timeline = process.env.SQUALL_TEST_TIMELINE;
      if (timeline) appendFileSync(timeline, `${file} ${inject('lane')}/${claim} asked ${asked} granted ${granted} released ${Date.now()}\n`);
    }
  },
  // The wait for a turn and the whole file: minutes.
  60 * 60_000,
);
