import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Where a test run keeps, for each of its workers, what the worker is running: a file named by the
 * worker's process id, holding the test file's path, the test's name and the step the test last named
 * (a line each). Named by the process id of the run, which is each worker's parent.
 */
export function stuckFilesFolder(runPid: number): string {
  return path.join(os.tmpdir(), `probity-test-workers-${runPid}`)
}

let running = { file: '', test: '' }

function write(step = ''): void {
  const folder = stuckFilesFolder(process.ppid)
  fs.mkdirSync(folder, { recursive: true })
  fs.writeFileSync(path.join(folder, String(process.pid)), [running.file, running.test, step].join('\n'))
}

/** Notes that this worker is now running `file`, and in it `test` (none while the file's setup runs). */
export function recordRunning(file: string, test = ''): void {
  running = { file, test }
  write()
}

/**
 * Notes what the running test is doing now, for a test of many steps (a request each, say): if the
 * worker blocks, the watchdog names the step. Written synchronously, so it is there however blocked.
 */
export function recordStep(step: string): void {
  write(step)
}

export interface RunningWorker {
  pid: number
  test: string
  step: string
}

/** The worker that last said it runs `file`, with the test and the step it named, if any. */
export function workerRunning(folder: string, file: string): RunningWorker | undefined {
  for (const name of fs.readdirSync(folder)) {
    const [runningFile, test = '', step = ''] = fs.readFileSync(path.join(folder, name), 'utf8').split('\n')
    if (runningFile === file) return { pid: Number(name), test, step }
  }
  return undefined
}
