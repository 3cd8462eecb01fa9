import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The web app's own specs are pure modules (parsing, time, forms from the API's schemas, translations).
    include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Temporal workers load a native module and bundle workflows with webpack: they need real processes.
    pool: 'forks',
    globalSetup: ['test/support/toolchain.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
