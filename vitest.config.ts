import { defineConfig } from 'vitest/config';

// Suites, each a project: `unit` is the fast inner loop (in-process: the code under
// test runs in the test's own process); `cli` runs the built CLI and the bundles' shell
// scripts as child processes; `lsp` runs the language server as a separate process
// over stdio; `browser` renders diagrams in Debian's Chromium (and fails without it);
// `kamailio` checks and runs the exported bundles in Debian's Kamailio; `fleet` rolls a
// fleet out with Debian's Ansible onto routers on loopback; `e2e` drives a real VS Code
// (code-server) in Debian's Chromium.
export default defineConfig({
  test: {
    // For `unit` (the only project on threads). Every unit file imports the same core
    // (chevrotain's parser built on load, the model, the simulator); a fresh module
    // graph per file spent about two thirds of the suite's CPU time re-importing it. The
    // code under test is pure and no unit test mocks or patches a module, so files
    // share one module graph per worker. Two workers: vitest's default on a 2-core
    // machine is one, and the main process is idle once files are transformed.
    poolOptions: { threads: { isolate: false, maxThreads: 2 } },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          // The only project on worker threads, so the root `poolOptions.threads` above
          // is this project's alone. Pools run side by side within a group: `unit` goes
          // first, on its own, and the process-spawning projects after it, as before.
          pool: 'threads',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // The built bin/surv.cjs, install.sh under /bin/sh, ShellCheck: child processes.
          name: 'cli',
          sequence: { groupOrder: 1 },
          include: ['test/cli/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'lsp',
          sequence: { groupOrder: 1 },
          include: ['test/lsp/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          sequence: { groupOrder: 1 },
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The exported bundles in Debian's Kamailio and ShellCheck (fails without them).
          name: 'kamailio',
          sequence: { groupOrder: 1 },
          include: ['test/kamailio/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // The live tests bind fixed loopback ports: one file at a time.
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          // Fleet rollouts with Debian's Ansible over a real sshd on 127.0.40.x, onto routers
          // that each run a real Kamailio below a root prefix (fails without the tools).
          name: 'fleet',
          sequence: { groupOrder: 1 },
          include: ['test/fleet/**/*.test.ts'],
          // One ansible-playbook run per test; a module call costs about half a second per
          // router here, more while other suites load the machine.
          testTimeout: 240_000,
          hookTimeout: 120_000,
          // The routers' addresses and ports are fixed: one file at a time.
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
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
