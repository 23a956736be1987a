import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    // Browser and end-to-end suites start servers and chromium; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
