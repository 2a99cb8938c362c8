import path from 'node:path'
import type { Reporter, SerializedError, TestModule } from 'vitest/node'

const SLOWEST_SHOWN = 10

/**
 * Prints the ten slowest tests, to show where the suite's time goes, then the plain `N passed, N failed`
 * line that CI reads (Vitest's own summary is not in that form), and then each file that failed and each
 * error no test caught: when a worker dies, Vitest names neither the file nor the test, and CI shows only
 * the end of the output.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    const failedFiles: string[] = []
    const durations: { name: string; ms: number }[] = []
    for (const testModule of testModules) {
      let failedInFile = 0
      for (const testCase of testModule.children.allTests()) {
        const duration = testCase.diagnostic()?.duration
        if (duration !== undefined)
          durations.push({
            name: `${relative(testModule.moduleId)} › ${testCase.name}`,
            ms: duration,
          })
        const state = testCase.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'skipped') counts.skipped++
        // Failed, or never finished (pending).
        else failedInFile++
      }
      // A file that fails to load, whose setup hook fails, or that never finished (its worker died or
      // was stopped: stuck-file-watchdog.ts) must count as a failure too.
      const finished = ['passed', 'skipped'].includes(testModule.state())
      const failed = finished ? failedInFile : Math.max(failedInFile, 1)
      counts.failed += failed
      if (failed) failedFiles.push(relative(testModule.moduleId))
    }
    const slowest = durations.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST_SHOWN)
    if (slowest.length) {
      console.log(`\nThe ${slowest.length} slowest tests:`)
      for (const { name, ms } of slowest) console.log(`${(ms / 1000).toFixed(1).padStart(7)} s  ${name}`)
    }
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
    for (const file of failedFiles) console.log(`failed: ${file}`)
    // Vitest fails the run for an error no test caught, though every test passed.
    for (const error of unhandledErrors)
      console.log(`failed: an error outside any test, ${error.name ?? 'Error'}: ${error.message}`)
  }
}

function relative(moduleId: string): string {
  return path.relative(process.cwd(), moduleId)
}
