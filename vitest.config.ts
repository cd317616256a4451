import { defineConfig } from 'vitest/config';

// Suites, each a project: `unit` is the fast inner loop (pure code, the built CLI);
// `lsp` runs the language server as a separate process over stdio; `browser` renders
// diagrams in Debian's Chromium (and fails without it); `kamailio` checks and runs the
// exported bundles in Debian's Kamailio; `e2e` drives a real VS Code (code-server) in
// Debian's Chromium.
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
      {
        test: {
          name: 'lsp',
          include: ['test/lsp/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The exported bundles in Debian's Kamailio and ShellCheck (fails without them).
          name: 'kamailio',
          include: ['test/kamailio/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // The live tests bind fixed loopback ports: one file at a time.
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // One real editor at a time: the machine has two cores.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
