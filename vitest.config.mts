import { defineConfig } from 'vitest/config';

/** What every project shares. */
const common = {
  // Temporal workers load a native module and bundle workflows with webpack: they need real processes.
  pool: 'forks' as const,
  globalSetup: ['test/support/toolchain.setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

/**
 * The HTTP suites that run a second time on the production shape (`npm run cluster`: PostgreSQL, the
 * Temporal server, two workers and two API instances behind one address). The others build an app of their
 * own (rate limits, the web app, the codec, a naive auth stack) and run on the dev target only.
 */
const onTheCluster = [
  'test/api/authorisation.matrix.test.ts',
  'test/api/cases.api.test.ts',
  'test/api/crisis-service.api.test.ts',
  'test/api/feed.api.test.ts',
  'test/api/generated-input.test.ts',
  'test/api/idempotency.api.test.ts',
  'test/api/methods.api.test.ts',
  'test/api/photo.api.test.ts',
  'test/api/profile-absences.api.test.ts',
  'test/api/profile-reports.api.test.ts',
  'test/api/profiles.api.test.ts',
  'test/api/records.api.test.ts',
  'test/api/tasks.api.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'dev',
          // The web app's own specs are pure modules (parsing, time, forms from the API's schemas, translations).
          include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
          provide: { apiTarget: 'dev' },
        },
      },
      {
        test: {
          ...common,
          name: 'cluster',
          include: onTheCluster,
          provide: { apiTarget: 'cluster' },
        },
      },
    ],
  },
});
