import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import {
  type DatabaseHandle,
  embeddedHandle,
  openDatabase,
  PGLITE_EXTENSIONS,
} from '../../src/db/connection.js'
import { migrateDatabase } from '../../src/db/migrate.js'
import { migratedSnapshot, snapshotKey } from './migrated-snapshot.js'

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or — when DATABASE_URL
 * is set, as in CI — a new database on that PostgreSQL server, dropped again on close. Either starts
 * as a copy of one migrated database (see migrated-snapshot.ts): the migrations' own tests migrate.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const snapshot = await migratedSnapshot()
    const client = await PGlite.create({
      loadDataDir: await fs.openAsBlob(snapshot.tarball),
      extensions: PGLITE_EXTENSIONS,
    })
    return embeddedHandle(client, { kind: 'embedded', dataDir: 'memory://' })
  }
  const template = await migratedTemplate(serverUrl)
  const name = `probity_test_${randomBytes(6).toString('hex')}`
  await withAdminClient(serverUrl, (client) => client.query(`create database ${name} template ${template}`))
  const handle = await openDatabase({ kind: 'server', url: databaseUrl(serverUrl, name) })
  return {
    ...handle,
    async close() {
      await handle.close()
      await withAdminClient(serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      )
    },
  }
}

/**
 * A migrated template database on the server for these migrations, built by whoever needs it first
 * (the global setup, or a test run without it) while others wait on a lock. Nothing stays connected
 * to it, as copying it requires.
 */
export async function migratedTemplate(serverUrl: string): Promise<string> {
  const template = `probity_template_${snapshotKey()}`
  await withAdminClient(serverUrl, async (client) => {
    const exists = async () =>
      (await client.query('select 1 from pg_database where datname = $1', [template])).rowCount === 1
    if (await exists()) return
    await client.query('select pg_advisory_lock(hashtext($1))', [template])
    try {
      if (await exists()) return
      const building = `${template}_building`
      await client.query(`drop database if exists ${building} with (force)`)
      await client.query(`create database ${building}`)
      const handle = await openDatabase({ kind: 'server', url: databaseUrl(serverUrl, building) })
      try {
        await migrateDatabase(handle)
      } finally {
        await handle.close()
      }
      // Only a complete template gets the name the others look for.
      await client.query(`alter database ${building} rename to ${template}`)
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [template])
    }
  })
  return template
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
