// The thread that reads and checks uploads for the server (see upload-checks.ts): jobs arrive as
// messages, any number at once, and each is answered by its id.
import { parentPort } from 'node:worker_threads'
import { ValidationError } from '../../domain/errors.js'
import { ProblemList, validateRows } from '../../spreadsheets/validate.js'
import { rowSchemaOf } from './row-schemas.js'
import type { CheckedRow, CheckJob, CheckReply } from './upload-checks.js'
import { uploadRows } from './upload-rows.js'

/** Rows sent back in one message: the server's thread takes in each message in well under a millisecond. */
const ROWS_PER_MESSAGE = 500

const port = parentPort
if (!port) throw new Error('check-worker.ts runs as a worker thread: upload-checks.ts starts it')

port.on('message', (job: CheckJob) => {
  run(job).catch((error: unknown) => {
    reply(
      error instanceof ValidationError
        ? { id: job.id, refused: error.fieldErrors }
        : { id: job.id, failed: error instanceof Error ? (error.stack ?? error.message) : String(error) },
    )
  })
})

function reply(message: CheckReply) {
  port?.postMessage(message)
}

async function run(job: CheckJob): Promise<void> {
  const { data } = job
  const file = { filename: job.filename, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }
  const rows = uploadRows(file, job.limits, job.requiredColumns)
  let batch: CheckedRow[] = []
  const send = (row: CheckedRow) => {
    batch.push(row)
    if (batch.length < ROWS_PER_MESSAGE) return
    reply({ id: job.id, rows: batch })
    batch = []
  }
  if (job.register === undefined) {
    let count = 0
    for await (const row of rows) {
      count++
      send(row)
    }
    reply({ id: job.id, rows: batch, done: { rows: count, problems: [], problemCount: 0 } })
    return
  }
  const checked = await validateRows(rows, await rowSchemaOf(job.register), new ProblemList())
  for (const row of checked.valid) send(row)
  reply({ id: job.id, rows: batch, done: { rows: checked.rows, ...checked.problems.report() } })
}
