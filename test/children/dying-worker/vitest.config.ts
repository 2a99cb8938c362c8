import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** A run of a file whose worker dies mid-test and one that leaves an error no test catches, with the reporters of the real runs (stuck-file-watchdog.test.ts). */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['dies.check.ts', 'leaves-an-error.check.ts'],
    reporters: ['default', '../../support/summary-reporter.ts', '../../support/stuck-file-watchdog.ts'],
    setupFiles: ['../../support/running-file.ts'],
  },
})
