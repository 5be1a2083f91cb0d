import { defineConfig } from 'vitest/config';
import { LaneSequencer } from './test/harness/lane-sequencer.js';

// Two lanes. `fast`: pure and fake-transport tests (no Chromium, no sshd, only
// ephemeral loopback ports), side by side on every core; `npm run test:fast`
// runs it alone. `e2e`: real Chromium, sshd, tmux, moto, a bare Debian host;
// two files at a time where both can share the machine, and one at a time for
// a file whose assertions need the machine to itself (test/harness/machine-lock.ts).
// A unit test that drives real Chromium is named `*.chromium.test.ts` and runs
// in the e2e lane. `npm test` runs both, fast first.
const SOURCES = '{src,agent,controller,provisioning,scripts}';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LaneSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: [`${SOURCES}/**/*.test.{ts,tsx}`],
          exclude: [`${SOURCES}/**/*.chromium.test.ts`],
          pool: 'threads',
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts', `${SOURCES}/**/*.chromium.test.ts`],
          globalSetup: ['test/harness/e2e-setup.ts'],
          setupFiles: ['test/harness/e2e-file.ts'],
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
