import { once } from 'node:events'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Transaction } from './tenancy.js'

export type CopyValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Date
  | Record<string, unknown>
  | unknown[]

export interface CopyOptions {
  /** Called as rows reach the database, with the running total. */
  onProgress?(rowsWritten: number): void
}

/** How a COPY's CSV reaches one engine, in batches of rows turned to text together. */
interface CopySink {
  batchRows: number
  chunk(csv: string): Promise<void>
  end(): Promise<void>
  abort(error: Error): void
}

/** node-postgres: one COPY FROM STDIN, fed text chunks as the stream drains. */
async function streamTo(client: pg.Client, table: string, columns: readonly string[]): Promise<CopySink> {
  const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')))
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve)
    stream.on('error', reject)
  })
  // Until the end, a failure surfaces at the next chunk or at end(); don't let it go unhandled meanwhile.
  finished.catch(() => {})
  return {
    batchRows: 2_000,
    async chunk(csv) {
      if (!stream.write(csv)) await Promise.race([once(stream, 'drain'), finished])
    },
    async end() {
      stream.end()
      await finished
    },
    abort(error) {
      stream.destroy(error)
    },
  }
}

/** PGlite: COPY FROM '/dev/blob', one statement per batch (each batch is a blob held in memory). */
function blobsTo(client: EmbeddedClient, table: string, columns: readonly string[]): CopySink {
  const statement = copyStatement(table, columns, `'/dev/blob'`)
  return {
    batchRows: 50_000,
    async chunk(csv) {
      await client.query(statement, [], { blob: new Blob([csv]) })
    },
    async end() {},
    abort() {},
  }
}

/** A field quoted for CSV: inside quotes only a quote is escaped (doubled); all else stands as it is. */
function quoted(text: string): string {
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`
}

/**
 * How a value becomes a field of COPY's CSV: strings are quoted, so an empty one stays '' and only an
 * unquoted empty field (null, undefined) is NULL, and no string can be read as the end-of-data marker
 * `\.`; objects and arrays are jsonb. Written here rather than by a general CSV writer because the
 * values are only these few kinds, and that writer's per-field options cost more than the COPY itself.
 */
function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return ''
  switch (typeof value) {
    case 'string':
      return quoted(value)
    case 'number':
      return String(value)
    case 'boolean':
      return value ? 't' : 'f'
  }
  if (value instanceof Date) return value.toISOString()
  return quoted(JSON.stringify(value))
}

/** Rows as the text of COPY's CSV, a line each. */
function copyCsv(rows: readonly (readonly CopyValue[])[]): string {
  let csv = ''
  for (const row of rows) {
    let line = ''
    for (let index = 0; index < row.length; index++)
      line += index ? `,${copyField(row[index])}` : copyField(row[index])
    csv += `${line}\n`
  }
  return csv
}

/** The driver's own connection under a Drizzle transaction: COPY is not something Drizzle speaks. */
function driverClientOf(tx: Transaction): unknown {
  return (tx as unknown as { session: { client: unknown } }).session.client
}

interface EmbeddedClient {
  query(query: string, params: unknown[], options: { blob: Blob }): Promise<unknown>
}

function copyStatement(table: string, columns: readonly string[], source: string): string {
  const names = columns.map((column) => pg.escapeIdentifier(column)).join(', ')
  return `COPY ${pg.escapeIdentifier(table)} (${names}) FROM ${source} WITH (FORMAT csv)`
}

/**
 * Writes rows into `table` with COPY, the fastest way either engine takes rows, in the caller's
 * transaction: node-postgres streams COPY FROM STDIN; PGlite reads CSV blobs.
 * PostgreSQL refuses COPY FROM under row-level security, so the transaction's role must own the table:
 * callers check who may write what before, and never call this inside inScope().
 */
export async function copyRows(
  tx: Transaction,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]> | AsyncIterable<readonly CopyValue[]>,
  options: CopyOptions = {},
): Promise<number> {
  const client = driverClientOf(tx)
  const write =
    client instanceof pg.Client
      ? await streamTo(client, table, columns)
      : blobsTo(client as EmbeddedClient, table, columns)
  let written = 0
  let batch: (readonly CopyValue[])[] = []
  const flush = async () => {
    if (!batch.length) return
    const csv = copyCsv(batch)
    written += batch.length
    batch = []
    await write.chunk(csv)
    options.onProgress?.(written)
  }
  try {
    for await (const row of rows) {
      if (row.length !== columns.length)
        throw new Error(`copyRows(${table}): a row has ${row.length} values for ${columns.length} columns`)
      batch.push(row)
      if (batch.length === write.batchRows) await flush()
    }
    await flush()
  } catch (error) {
    write.abort(error as Error)
    throw error
  }
  await write.end()
  return written
}
