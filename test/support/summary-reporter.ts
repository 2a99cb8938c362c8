import type { Reporter, TestModule } from 'vitest/node'

const SLOWEST_SHOWN = 10

/**
 * Prints the ten slowest tests, to show where the suite's time goes, and then the plain
 * `N passed, N failed` line that CI reads; Vitest's own summary is not in that form.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    const durations: { name: string; ms: number }[] = []
    for (const testModule of testModules) {
      let failedInFile = 0
      for (const testCase of testModule.children.allTests()) {
        const duration = testCase.diagnostic()?.duration
        if (duration !== undefined)
          durations.push({
            name: `${testModule.moduleId.replace(`${process.cwd()}/`, '')} › ${testCase.name}`,
            ms: duration,
          })
        const state = testCase.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') failedInFile++
        else counts.skipped++
      }
      // A file that fails to load, or whose setup hook fails, must count as a failure too.
      counts.failed += testModule.state() === 'failed' ? Math.max(failedInFile, 1) : failedInFile
    }
    const slowest = durations.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST_SHOWN)
    if (slowest.length) {
      console.log(`\nThe ${slowest.length} slowest tests:`)
      for (const { name, ms } of slowest) console.log(`${(ms / 1000).toFixed(1).padStart(7)} s  ${name}`)
    }
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  }
}
