import { defineConfig } from 'vitest/config';

// Two lanes. `fast`: pure and fake-transport tests (no Chromium, no sshd, only
// ephemeral loopback ports), side by side on every core; `npm run test:fast`
// runs it alone. `e2e`: real Chromium, sshd, tmux, moto, a bare Debian host;
// one file at a time, so that one file's browsers do not distort another's
// latencies on 2 cores. A unit test that drives real Chromium is named
// `*.chromium.test.ts` and runs in the e2e lane. `npm test` runs both, fast first.
const SOURCES = '{src,agent,controller,provisioning,scripts}';

export default defineConfig({
  test: {
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
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
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
