import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** A run of one file whose test blocks its worker, with the watchdog of the real runs (stuck-file-watchdog.test.ts). */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['blocks.check.ts'],
    reporters: ['default', '../../support/summary-reporter.ts', '../../support/stuck-file-watchdog.ts'],
    setupFiles: ['../../support/running-file.ts'],
  },
})
