import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import { migrate as migrateServer } from 'drizzle-orm/node-postgres/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { migrate as migrateEmbedded } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { loadShippedForceReference } from '../modules/forces/reference-data.js'
import { type Database, type DatabaseHandle, queryRows } from './connection.js'

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))

// Any fixed number: it keeps two app instances starting together from migrating at once.
const MIGRATION_LOCK_KEY = 7_230_411

export interface MigrationStatus {
  applied: number
  expected: number
  current: boolean
}

/** Applies pending SQL migrations, then loads the reference data every installation needs. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<MigrationStatus> {
  const config = { migrationsFolder }
  if (handle.settings.kind === 'server') {
    // A session-level lock needs one connection for the lock, the migrations and the unlock.
    const client = new pg.Client({ connectionString: handle.settings.url })
    await client.connect()
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
      await migrateServer(drizzlePostgres({ client }), config)
    } finally {
      await client.end()
    }
  } else {
    await migrateEmbedded(handle.db as PgliteDatabase, config)
  }
  await loadShippedForceReference(handle.db)
  return migrationStatus(handle.db)
}

/** Compares the migrations in the repo with those the database records as applied. */
export async function migrationStatus(db: Database): Promise<MigrationStatus> {
  const expected = readMigrationFiles({ migrationsFolder })
  const [table] = await queryRows<{ exists: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`,
  )
  let applied = 0
  if (table?.exists) {
    const [row] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
    )
    applied = row?.count ?? 0
  }
  return { applied, expected: expected.length, current: applied >= expected.length }
}
