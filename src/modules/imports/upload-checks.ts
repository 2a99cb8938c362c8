import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { ValidationError } from '../../domain/errors.js'
import type { UploadLimits } from '../../spreadsheets/limits.js'
import type { SheetRow, UploadedFile } from '../../spreadsheets/read.js'
import { ProblemList, type RowProblem, type ValidatedRows } from '../../spreadsheets/validate.js'

/** An upload to read, and to check against a register's row schema (row-schemas.ts) when one is named. */
export interface CheckJob {
  id: number
  filename: string
  data: Uint8Array
  limits: UploadLimits
  requiredColumns: readonly string[]
  register?: string
}

/** A row the checking thread sends back: a valid row's value, or a row as read when no schema was named. */
export type CheckedRow = { line: number; value: unknown } | SheetRow

interface CheckedFile {
  rows: number
  problems: RowProblem[]
  problemCount: number
}

/** The checking thread's answers: rows a batch at a time, the last batch with the file's totals. */
export type CheckReply =
  | { id: number; rows: CheckedRow[]; done?: CheckedFile }
  | { id: number; refused: Record<string, string> }
  | { id: number; failed: string }

interface Job {
  rows: CheckedRow[]
  resolve(result: { rows: CheckedRow[]; done: CheckedFile }): void
  reject(error: Error): void
}

/**
 * Uploads are read and checked on a thread of their own, so that the work and the garbage of a 50 MB
 * file of bad rows (whose collection alone held the server's event loop for 60 ms) stay off the thread
 * that answers everyone's requests. One thread per process, started by the first upload and kept.
 */
let checker: { worker: Worker; jobs: Map<number, Job> } | undefined
let lastId = 0

function startChecker(): NonNullable<typeof checker> {
  const source = fileURLToPath(import.meta.url)
  const entry = new URL(`./check-worker${path.extname(source)}`, import.meta.url)
  // From the TypeScript sources (development and tests) the thread needs tsx, as bin/probity.js does.
  const worker = entry.pathname.endsWith('.ts')
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
          `.then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry.href)}))`,
        { eval: true },
      )
    : new Worker(entry)
  const started = { worker, jobs: new Map<number, Job>() }
  worker.on('message', (reply: CheckReply) => {
    const job = started.jobs.get(reply.id)
    if (!job) return
    if ('rows' in reply) {
      for (const row of reply.rows) job.rows.push(row)
      if (!reply.done) return
      job.resolve({ rows: job.rows, done: reply.done })
    } else job.reject('refused' in reply ? new ValidationError(reply.refused) : new Error(reply.failed))
    started.jobs.delete(reply.id)
    if (!started.jobs.size) worker.unref()
  })
  const stopped = (error: Error) => {
    if (checker === started) checker = undefined
    for (const job of started.jobs.values()) job.reject(error)
    started.jobs.clear()
  }
  worker.on('error', stopped)
  worker.on('exit', (code) =>
    stopped(new Error(`the thread that checks uploads stopped (exit code ${code})`)),
  )
  return started
}

function check(
  file: UploadedFile,
  limits: UploadLimits,
  requiredColumns: readonly string[],
  register?: string,
): Promise<{ rows: CheckedRow[]; done: CheckedFile }> {
  checker ??= startChecker()
  const { worker, jobs } = checker
  const id = ++lastId
  return new Promise((resolve, reject) => {
    jobs.set(id, { rows: [], resolve, reject })
    // Busy, the thread keeps the process alive (a command awaits its answer); idle, it does not.
    worker.ref()
    // An upload read by setUpUploads is in shared memory, so the thread reads it where it is; any
    // other buffer is copied.
    worker.postMessage({
      id,
      filename: file.filename,
      data: file.data,
      limits,
      requiredColumns,
      register,
    } satisfies CheckJob)
  })
}

/**
 * Every row of an upload as it is read under the limits (upload-rows.ts), read on the checking thread;
 * a file that is not a spreadsheet, is over a limit or lacks a required column is a ValidationError.
 */
export async function readUpload(
  file: UploadedFile,
  limits: UploadLimits,
  requiredColumns: readonly string[] = [],
): Promise<SheetRow[]> {
  return (await check(file, limits, requiredColumns)).rows as SheetRow[]
}

/**
 * An upload's rows checked against its register's row schema on the checking thread: the valid rows'
 * values, and the bad rows' problems in a ProblemList (the first of them by line, and their count).
 */
export async function validateUpload<Value>(
  file: UploadedFile,
  limits: UploadLimits,
  requiredColumns: readonly string[],
  register: string,
): Promise<ValidatedRows<Value, ProblemList>> {
  const { rows, done } = await check(file, limits, requiredColumns, register)
  return {
    valid: rows as { line: number; value: Value }[],
    problems: ProblemList.from(done),
    rows: done.rows,
  }
}
