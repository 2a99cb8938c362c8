import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Where a test run keeps, for each of its workers, what the worker is running: a file named by the
 * worker's process id, holding the test file's path and then the test's name. Named by the process id of
 * the run, which is each worker's parent.
 */
export function stuckFilesFolder(runPid: number): string {
  return path.join(os.tmpdir(), `probity-test-workers-${runPid}`)
}

/** Notes that this worker is now running `file`, and in it `test` (none while the file's setup runs). */
export function recordRunning(file: string, test = ''): void {
  const folder = stuckFilesFolder(process.ppid)
  fs.mkdirSync(folder, { recursive: true })
  fs.writeFileSync(path.join(folder, String(process.pid)), `${file}\n${test}`)
}

/** The worker that last said it runs `file`, and the test it named, if any. */
export function workerRunning(folder: string, file: string): { pid: number; test: string } | undefined {
  for (const name of fs.readdirSync(folder)) {
    const [runningFile, test = ''] = fs.readFileSync(path.join(folder, name), 'utf8').split('\n')
    if (runningFile === file) return { pid: Number(name), test }
  }
  return undefined
}
