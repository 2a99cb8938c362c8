import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** A run of one file whose worker dies mid-test, with the reporters of the real runs (stuck-file-watchdog.test.ts). */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['dies.check.ts'],
    reporters: ['default', '../../support/summary-reporter.ts', '../../support/stuck-file-watchdog.ts'],
    setupFiles: ['../../support/running-file.ts'],
  },
})
