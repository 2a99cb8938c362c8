import { PGlite } from '@electric-sql/pglite'
import type { SQL } from 'drizzle-orm'
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import type { DatabaseSettings } from '../config.js'
import { lockDataDir } from './data-dir-lock.js'
import * as schema from './schema.js'

/** The one type every query is written against, whichever engine is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>

export interface DatabaseHandle {
  db: Database
  settings: DatabaseSettings
  kind: DatabaseSettings['kind']
  /** Where the data is, for logs: a folder, or the server without its password. */
  location: string
  close(): Promise<void>
}

/** `memory://` opens a throwaway embedded database (tests); any other folder is locked while open. */
export async function openDatabase(settings: DatabaseSettings): Promise<DatabaseHandle> {
  if (settings.kind === 'server') {
    const pool = new pg.Pool({ connectionString: settings.url, max: 10 })
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => {})
    const url = new URL(settings.url)
    return {
      db: drizzlePostgres({ client: pool, schema, casing: 'snake_case' }),
      settings,
      kind: 'server',
      location: `postgres://${url.host}${url.pathname}`,
      close: () => pool.end(),
    }
  }
  const inMemory = settings.dataDir.startsWith('memory://')
  const lock = inMemory ? undefined : lockDataDir(settings.dataDir)
  try {
    const client = await PGlite.create(inMemory ? undefined : settings.dataDir)
    return {
      db: drizzlePglite({ client, schema, casing: 'snake_case' }),
      settings,
      kind: 'embedded',
      location: inMemory ? 'memory' : settings.dataDir,
      async close() {
        await client.close()
        lock?.release()
      },
    }
  } catch (error) {
    lock?.release()
    throw error
  }
}

/** Runs raw SQL and returns its rows; both drivers' results carry `rows`, which Drizzle's shared type hides. */
export async function queryRows<Row>(db: Database, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] }
  return result.rows
}
