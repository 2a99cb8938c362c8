import os from 'node:os'
import { defineConfig } from 'vitest/config'
import { LongestFirst } from './test/support/longest-first.js'

export default defineConfig({
  test: {
    // The watchdog stops a file whose worker is blocked past every time limit, and shows where it was.
    reporters: ['default', './test/support/summary-reporter.ts', './test/support/stuck-file-watchdog.ts'],
    setupFiles: ['./test/support/running-file.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    // Each test file has its own database, a copy of one migrated in the global setup.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One file per core at once (Vitest's default leaves a core idle, which on a two-core machine runs
    // every file in turn); each file has its own database, so files never share state.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // A worker runs its files one after another in one module graph, so the app is loaded once per
    // worker rather than once per file (about 2 s each). Files still share nothing else: each opens its
    // own database (and a browser test its own Chromium), no test mocks a module, and a test that
    // borrows process state restores it. Browser and unit files share the workers, so neither kind
    // waits for the other to finish.
    isolate: false,
    // The longest files start first, so that none of them is left running alone at the end.
    sequence: { sequencer: LongestFirst },
    // One set of files, not a project for each kind: Vitest keeps a worker for the next file only when
    // that file is of the same project, so interleaved browser and unit files each started a new worker
    // (the app loaded again, and for a browser file Chromium too).
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})
