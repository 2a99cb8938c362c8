// Register import benchmark (called by bench/run.ts; also runnable alone): a 1,000,000-row CSV file of
// historic gifts and hospitality imported as `probity gifts import` does it — streamed, every row checked
// by the web import's rules, copied into a temporary table, then written into the register in one
// transaction under row-level security — beside the ceiling: COPY of the same records straight into
// gifts_hospitality (staff numbers resolved beforehand, untimed), and, for reference, COPY of the raw
// file into an unindexed table of text. Each is measured and printed; nothing asserts.
//
// Alone: `node --import tsx bench/register-import.ts` in a throwaway database on the server DATABASE_URL
// names (dropped after), or a fresh in-memory PGlite when it is not set. BENCH_IMPORT_ROWS sets the
// number of rows (default 1,000,000).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { type CopyValue, copyRows } from '../src/db/bulk-copy.js'
import { type DatabaseHandle, openDatabase, queryRows } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import { COPIED_COLUMNS } from '../src/modules/gifts-hospitality/bulk-import.js'
import { IMPORT_COLUMNS, importRowSchema } from '../src/modules/gifts-hospitality/fields.js'
import { csvCell, generatedGiftRow } from '../src/modules/gifts-hospitality/test-support.js'
import { createServices } from '../src/services.js'
import { benchDatabase } from './database.js'

export interface RegisterImportSettings {
  /** Data rows in the file (default BENCH_IMPORT_ROWS, else 1,000,000). */
  rows?: number
  /** Members of the force's roster the rows name (default 50,000). */
  staff?: number
  /** Where progress lines go (default: standard error). */
  log?: (line: string) => void
}

export interface RegisterImportFigures {
  rows: number
  probityMs: number
  probityRowsPerSecond: number
  copyCeilingMs: number
  copyRowsPerSecond: number
  rawCopyMs: number
  /** Probity's throughput as a fraction of the COPY ceiling's. */
  ratio: number
}

const FORCE = 'cheshire'
const GRADES = ['Constable', 'Sergeant', 'Inspector', 'Police Staff', 'Chief Inspector']
const UNITS = ['Response – Eastern Area', 'Roads Policing', 'Contact Centre', 'CID', 'Professional Standards']

const staffNumberOf = (index: number) => `CH${String(index).padStart(6, '0')}`

/** The force's roster: `count` members, written with COPY as the database's owner. */
async function createRoster(database: DatabaseHandle, forceId: number, count: number): Promise<void> {
  function* members(): Generator<CopyValue[]> {
    for (let index = 1; index <= count; index++)
      yield [
        forceId,
        staffNumberOf(index),
        `Officer ${index}`,
        GRADES[index % GRADES.length] as string,
        UNITS[index % UNITS.length] as string,
        `20${String(index % 10).padStart(2, '0')}-04-01`,
      ]
  }
  await database.db.transaction((tx) =>
    copyRows(
      tx,
      'staff_members',
      ['force_id', 'staff_number', 'name', 'grade', 'unit', 'start_date'],
      members(),
    ),
  )
}

/** The import file: the template's header, then `rows` generated rows (all valid), in 10,000-row writes. */
async function writeFile(file: string, rows: number, staffNumbers: readonly string[]): Promise<number> {
  const out = fs.createWriteStream(file)
  async function* chunks() {
    yield `${IMPORT_COLUMNS.join(',')}\n`
    for (let start = 1; start <= rows; start += 10_000) {
      let text = ''
      for (let index = start; index < Math.min(start + 10_000, rows + 1); index++)
        text += `${generatedGiftRow(index, staffNumbers).map(csvCell).join(',')}\n`
      yield text
    }
  }
  await pipeline(chunks, out)
  return fs.statSync(file).size
}

/** The same records as the file, as gifts_hospitality's columns, staff numbers resolved (untimed). */
function resolvedRecords(
  rows: number,
  forceId: number,
  staffNumbers: readonly string[],
  staffIds: Map<string, string>,
): CopyValue[][] {
  const records: CopyValue[][] = new Array(rows)
  const values: Record<string, string> = {}
  for (let index = 1; index <= rows; index++) {
    const cells = generatedGiftRow(index, staffNumbers)
    IMPORT_COLUMNS.forEach((column, at) => {
      values[column] = cells[at] as string
    })
    const value = importRowSchema.parse(values)
    records[index - 1] = [
      forceId,
      staffIds.get(value.staff_number.toUpperCase()) as string,
      value.kind,
      value.description,
      value.donor_name,
      value.donor_type,
      value.estimated_value,
      value.offered_on,
      value.declared_on ?? value.offered_on,
      value.outcome,
      value.approver,
      value.disposal ?? null,
      value.notes,
    ]
  }
  return records
}

/** COPY of the raw file into an unindexed table of text: how fast the database takes the bytes alone. */
async function rawCopy(database: DatabaseHandle, file: string): Promise<number> {
  const columns = IMPORT_COLUMNS.map((column) => `${column} text`).join(', ')
  await database.db.execute(sql`drop table if exists gifts_raw_staging`)
  await database.db.execute(sql.raw(`create unlogged table gifts_raw_staging (${columns})`))
  const statement = `COPY gifts_raw_staging FROM %s WITH (FORMAT csv, HEADER true)`
  const started = performance.now()
  if (database.settings.kind === 'server') {
    const client = new pg.Client({ connectionString: database.settings.url })
    await client.connect()
    try {
      await pipeline(fs.createReadStream(file), client.query(copyFrom(statement.replace('%s', 'STDIN'))))
    } finally {
      await client.end()
    }
  } else {
    const client = (database.db as unknown as { $client: PGlite }).$client
    await client.query(statement.replace('%s', `'/dev/blob'`), [], {
      blob: new Blob([fs.readFileSync(file)]),
    })
  }
  const ms = performance.now() - started
  await database.db.execute(sql`drop table gifts_raw_staging`)
  return ms
}

export async function benchRegisterImport(
  settings: RegisterImportSettings = {},
): Promise<RegisterImportFigures> {
  const rows = settings.rows ?? Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000)
  const staffCount = settings.staff ?? 50_000
  const log = settings.log ?? ((line: string) => console.error(line))
  const place = await benchDatabase('register_import')
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-register-import-'))
  const file = path.join(folder, 'gifts.csv')
  const database = await openDatabase(place.settings)
  try {
    await migrateDatabase(database)
    const services = createServices(database.db)
    const force = await services.roster.forceFor(SYSTEM_CALLER, FORCE)
    log(`Register import: a roster of ${staffCount} for ${force.name} on ${database.kind}…`)
    await createRoster(database, force.id, staffCount)
    const staffNumbers = Array.from({ length: staffCount }, (_, index) => staffNumberOf(index + 1))
    log(`Register import: writing ${rows} rows…`)
    const bytes = await writeFile(file, rows, staffNumbers)
    log(`Register import: ${file}, ${(bytes / 1e6).toFixed(1)} MB`)
    // Each load starts from an empty register and nothing its triggers made: the organisations of the
    // donors, the alerts the rules raise and what those notify, so neither is spared the other's work.
    const truncate = () =>
      database.db.execute(
        sql`truncate gifts_hospitality, organisations, organisation_names, alerts, notification_events cascade`,
      )

    // (c) The raw file into a table of text, for reference.
    const rawCopyMs = await rawCopy(database, file)
    log(`Register import: raw COPY ${Math.round(rawCopyMs)} ms`)

    // (b) The ceiling: COPY of the same records straight into the register, as its owner.
    const staffIds = new Map(
      (
        await queryRows<{ id: string; staff_number: string }>(
          database.db,
          sql`select id, staff_number from staff_members where force_id = ${force.id}`,
        )
      ).map((member) => [member.staff_number, member.id]),
    )
    let records: CopyValue[][] | undefined = resolvedRecords(rows, force.id, staffNumbers, staffIds)
    await truncate()
    let started = performance.now()
    await database.db.transaction((tx) => copyRows(tx, 'gifts_hospitality', COPIED_COLUMNS, records ?? []))
    const copyCeilingMs = performance.now() - started
    records = undefined
    log(`Register import: COPY ceiling ${Math.round(copyCeilingMs)} ms`)
    await truncate()

    // (a) Probity: the file, streamed through the service with every check.
    started = performance.now()
    const result = await services.giftsHospitality.importStream(SYSTEM_CALLER, {
      forceCode: FORCE,
      filename: path.basename(file),
      source: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
    })
    const probityMs = performance.now() - started
    const [stored] = await queryRows<{ rows: number }>(
      database.db,
      sql`select count(*)::int as rows from gifts_hospitality`,
    )
    log(`Register import: Probity ${Math.round(probityMs)} ms, ${result.added} added, ${stored?.rows} stored`)

    const perSecond = (ms: number) => Math.round((rows * 1000) / ms)
    return {
      rows,
      probityMs: Math.round(probityMs),
      probityRowsPerSecond: perSecond(probityMs),
      copyCeilingMs: Math.round(copyCeilingMs),
      copyRowsPerSecond: perSecond(copyCeilingMs),
      rawCopyMs: Math.round(rawCopyMs),
      ratio: Number((copyCeilingMs / probityMs).toFixed(3)),
    }
  } finally {
    await database.close().catch(() => {})
    await place.drop()
    fs.rmSync(folder, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await benchRegisterImport()
  console.table([figures])
  console.log(
    `Probity imports at ${Math.round(100 * figures.ratio)}% of COPY's throughput ` +
      `(${figures.probityRowsPerSecond} against ${figures.copyRowsPerSecond} rows/s).`,
  )
}
