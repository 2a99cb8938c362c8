import { beforeAll, beforeEach, expect } from 'vitest'
import { recordRunning } from './stuck-files.js'

// A setup file: runs in the worker before each test file and each test, written synchronously, so the
// watchdog can name the test even when the worker is too blocked to report anything itself.
beforeAll(() => {
  const { testPath } = expect.getState()
  if (testPath) recordRunning(testPath)
})
beforeEach(({ task }) => {
  recordRunning(task.file.filepath, task.fullTestName)
})
