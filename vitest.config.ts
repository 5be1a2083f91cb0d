import { defineConfig } from 'vitest/config';
import { LaneSequencer } from './test/harness/lane-sequencer.js';

// Two lanes on one machine lock (test/harness/machine-lock.ts). `fast`: pure and
// fake-transport tests (no Chromium, no sshd, only ephemeral loopback ports), in
// threads; `npm run test:fast` runs it alone. `e2e`: real Chromium, sshd, tmux,
// moto, a bare Debian host, in forks. Three files run at a time where all can
// share the machine (every fast-lane file can), and a file whose assertions need
// the machine to itself runs alone. A unit test that drives real Chromium is
// named `*.chromium.test.ts` and runs in the e2e lane. `npm test` runs both.
const SOURCES = '{src,agent,controller,provisioning,scripts}';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ['test/harness/lane-setup.ts'],
    setupFiles: ['test/harness/lane-file.ts'],
    // as many as the machine lock lets share the machine (SHARED_AT_ONCE, test/harness/machine-lock.ts)
    maxWorkers: 3,
    sequence: { sequencer: LaneSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: [`${SOURCES}/**/*.test.{ts,tsx}`, 'test/harness/**/*.test.ts'],
          exclude: [`${SOURCES}/**/*.chromium.test.ts`],
          pool: 'threads',
          // Pure and fake-transport tests share a thread's module graph: half the time (16 -> 7.6 s alone),
          // and a test that leaves state behind is a bug the next file would show.
          isolate: false,
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', `${SOURCES}/**/*.chromium.test.ts`],
          pool: 'forks',
        },
      },
    ],
  },
});
