import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{src,agent,controller,provisioning,scripts,test}/**/*.test.{ts,tsx}'],
    globalSetup: ['test/harness/global-setup.ts'],
    // End-to-end tests drive real Chromium on 2 cores: run files one at a time
    // so that one test's browsers do not distort another's latencies.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
