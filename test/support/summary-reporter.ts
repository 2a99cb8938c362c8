import type { Reporter, TestModule } from 'vitest/node'

/** Prints the plain `N passed, N failed` line that CI reads; Vitest's own summary is not in that form. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const testModule of testModules) {
      let failedInFile = 0
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') failedInFile++
        else counts.skipped++
      }
      // A file that fails to load, or whose setup hook fails, must count as a failure too.
      counts.failed += testModule.state() === 'failed' ? Math.max(failedInFile, 1) : failedInFile
    }
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  }
}
