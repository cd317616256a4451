import { defineConfig } from 'vitest/config';

// Two suites: `unit` is the fast inner loop (pure code, no external hosts);
// later suites (lsp, browser, live) are added as projects beside it.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
