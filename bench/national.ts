// The national dataset the benchmark measures: seeded afresh, or, when the database already holds it
// (BENCH_DATABASE names a database seeded by an earlier run or by `probity seed --national`), read back
// from it, so a rerun skips the seed's minute.
import { sql } from 'drizzle-orm'
import { type Database, queryRows } from '../src/db/connection.js'
import {
  NATIONAL_PASSWORD,
  NATIONAL_TABLES,
  type NationalTable,
  seedNationalData,
} from '../src/modules/national-dataset/seed.js'
import type { Services } from '../src/services.js'

export interface BenchNational {
  /** Seconds the seed took; null when the dataset was already there. */
  seedSeconds: number | null
  counts: Record<NationalTable, number>
  password: string
  caseworker: (forceCode: string) => string
  inspector: string
  /** A serving member of the force's staff, for declarations. */
  staffNumber: (forceCode: string) => Promise<string>
  inspectionCode: string
}

export async function nationalDataset(
  db: Database,
  services: Services,
  options: { years: number; scale: number },
): Promise<BenchNational> {
  const [present] = await queryRows<{ users: number }>(
    db,
    sql`select count(*)::int as users from users where email like '%.national.example'`,
  )
  let seedSeconds: number | null = null
  if (present?.users) {
    console.log('The national dataset is already in this database: measuring it as it is')
  } else {
    console.log(`Seeding the national dataset (${options.years} years, scale ${options.scale})…`)
    const started = performance.now()
    await seedNationalData(services, { years: options.years, seed: 2012, scale: options.scale })
    seedSeconds = (performance.now() - started) / 1000
  }
  const counts = {} as Record<NationalTable, number>
  for (const table of NATIONAL_TABLES) {
    const [row] = await queryRows<{ rows: number }>(
      db,
      sql`select count(*)::int as rows from ${sql.identifier(table)}`,
    )
    counts[table] = row?.rows ?? 0
  }
  const [inspection] = await queryRows<{ code: string }>(
    db,
    sql`select code from inspections where code like 'national-%' order by code desc limit 1`,
  )
  return {
    seedSeconds,
    counts,
    password: NATIONAL_PASSWORD,
    caseworker: (forceCode) => `caseworker@${forceCode}.national.example`,
    inspector: 'inspector@inspectorate.national.example',
    async staffNumber(forceCode) {
      const [staff] = await queryRows<{ staffNumber: string }>(
        db,
        sql`select staff_number as "staffNumber" from staff_members
            where force_id = (select id from forces where code = ${forceCode}) and leave_date is null
            order by staff_number limit 1`,
      )
      if (!staff) throw new Error(`no serving staff in ${forceCode}`)
      return staff.staffNumber
    },
    inspectionCode: inspection?.code ?? '',
  }
}
