import fs from 'node:fs'
import path from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'
import { type RunningWorker, stuckFilesFolder, workerRunning } from './stuck-files.js'

/**
 * A test file that runs far longer than any test's time limit has a worker whose event loop is blocked
 * (a synchronous loop, or a query in the embedded database, which runs on the worker's own thread), so
 * Vitest's timeouts never fire and the run would wait, printing nothing, until CI's own limit ends it.
 * This reporter names the file and the test it was in (running-file.ts records them), and kills the
 * worker: Vitest then reports the worker's exit as an error and the run ends, failed.
 */

/** The longest test file takes about a minute and a half on an idle two-core machine. */
const STUCK_AFTER_MS = Number(process.env.PROBITY_TEST_STUCK_SECONDS ?? 600) * 1000

export default class StuckFileWatchdog implements Reporter {
  private readonly folder = stuckFilesFolder(process.pid)
  private readonly started = new Map<string, number>()
  private readonly stuck: string[] = []
  private timer: NodeJS.Timeout | undefined

  onTestRunStart() {
    this.timer = setInterval(() => this.stopStuckFiles(), Math.min(30_000, STUCK_AFTER_MS / 2))
    this.timer.unref()
  }

  onTestModuleStart(testModule: TestModule) {
    this.started.set(testModule.moduleId, Date.now())
  }

  onTestModuleEnd(testModule: TestModule) {
    this.started.delete(testModule.moduleId)
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    clearInterval(this.timer)
    this.sayWhereWorkersDied(testModules)
    fs.rmSync(this.folder, { recursive: true, force: true })
    if (this.stuck.length) {
      console.error(`\nStopped by the watchdog, stuck: ${this.stuck.join(', ')}`)
      process.exitCode = 1
    }
  }

  /**
   * A file that never finished, and that this watchdog did not stop, lost its worker: a crash in native
   * code, or a kill from outside. Vitest then says only "Worker exited unexpectedly"; the worker's last
   * record still names the test it was in.
   */
  private sayWhereWorkersDied(testModules: ReadonlyArray<TestModule>) {
    for (const testModule of testModules) {
      if (['passed', 'failed', 'skipped'].includes(testModule.state())) continue
      const name = path.relative(process.cwd(), testModule.moduleId)
      if (this.stuck.includes(name)) continue
      const worker = fs.existsSync(this.folder) ? workerRunning(this.folder, testModule.moduleId) : undefined
      console.error(
        `\n${name} did not finish: ${worker ? `its worker, process ${worker.pid}, ended ${whereIn(worker)}` : 'no worker recorded running it'}.`,
      )
    }
  }

  private stopStuckFiles() {
    for (const [file, since] of this.started) {
      if (Date.now() - since < STUCK_AFTER_MS) continue
      this.started.delete(file)
      const name = path.relative(process.cwd(), file)
      this.stuck.push(name)
      const worker = fs.existsSync(this.folder) ? workerRunning(this.folder, file) : undefined
      const where = worker ? whereIn(worker) : 'in its setup, before any test'
      console.error(
        `\n${name} has run for ${((Date.now() - since) / 60_000).toFixed(1)} minutes, far past every ` +
          `time limit: its worker is blocked, ${where}. ${worker ? `Stopping process ${worker.pid}.` : 'Which worker runs it is not known, so it cannot be stopped.'}`,
      )
      if (!worker) continue
      try {
        process.kill(worker.pid, 'SIGKILL')
      } catch {
        // It ended by itself meanwhile.
      }
    }
  }
}

function whereIn(worker: RunningWorker): string {
  return worker.test
    ? `in the test "${worker.test}"${worker.step ? `, at: ${worker.step}` : ''}`
    : 'in its setup, before any test'
}
