// Wraps every test file: it waits for its claim on the machine (alone or
// shared, machine-lock.ts; a fast-lane file always shares), and holds it until
// the file's last hook is done, however that ends.
// SQUALL_TEST_TIMELINE=<file> appends when each file waited, started and ended.
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { aroundAll, inject } from 'vitest';
import { claimMachine, claimOf } from './machine-lock.js';

aroundAll(
  async (runFile, {}, suite) => {
    const asked = Date.now();
    const file = basename('filepath' in suite ? suite.filepath : suite.file.filepath);
    const claim = inject('lane') === 'fast' ? 'shared' : claimOf(file);
    const release = await claimMachine(inject('machineLock'), claim);
    const granted = Date.now();
    try {
      await runFile();
    } finally {
      release();
      const timeline = process.env.SQUALL_TEST_TIMELINE;
      if (timeline) appendFileSync(timeline, `${file} ${inject('lane')}/${claim} asked ${asked} granted ${granted} released ${Date.now()}\n`);
    }
  },
  // The wait for a turn and the whole file: minutes.
  60 * 60_000,
);
