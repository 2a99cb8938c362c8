import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { inject } from 'vitest'
import {
  type Database,
  type DatabaseHandle,
  embeddedHandle,
  openDatabase,
  PGLITE_EXTENSIONS,
} from '../../src/db/connection.js'
import { migrateDatabase } from '../../src/db/migrate.js'
import { dumpAfterCheckpoint, migratedSnapshot, snapshotKey } from './migrated-snapshot.js'

/**
 * Data that several test files start from (the demo dataset): entered once a run, on top of the
 * migrated database, and copied for each file like the migrated one.
 */
export interface SeededDatabase {
  /** Names the data among the run's others: letters, digits and underscores. */
  name: string
  seed(db: Database): Promise<void>
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or — when DATABASE_URL
 * is set, as in CI — a new database on that PostgreSQL server, dropped again on close. Either starts
 * as a copy of one migrated database (see migrated-snapshot.ts), or of one seeded from it: the
 * migrations' own tests migrate.
 */
export async function createTestDatabase(seeded?: SeededDatabase): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const client = seeded ? await seededClient(seeded) : await loadedFrom((await migratedSnapshot()).tarball)
    return embeddedHandle(client, { kind: 'embedded', dataDir: 'memory://' })
  }
  const template = seeded ? await seededTemplate(serverUrl, seeded) : await migratedTemplate(serverUrl)
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

/** An in-memory embedded database with a dump's data. */
async function loadedFrom(tarball: string): Promise<PGlite> {
  return PGlite.create({ loadDataDir: await fs.openAsBlob(tarball), extensions: PGLITE_EXTENSIONS })
}

/** This run's folder and name, from the global setup: seeded data lives as long as the run. */
declare module 'vitest' {
  export interface ProvidedContext {
    testRun: { id: string; folder: string }
  }
}

/** The prefix of this run's seeded databases on the server, which the global teardown drops. */
export const seededTemplatePrefix = (runId: string) => `probity_seeded_${runId}_`

/**
 * The embedded database seeded for this run, for one file: loaded from the dump of it that the first
 * file to need it made, while any other file that needs it meanwhile waits for it rather than seeding
 * its own. The file that seeds it goes on with the database it seeded, which is what the dump holds.
 */
async function seededClient(seeded: SeededDatabase): Promise<PGlite> {
  const { folder } = inject('testRun')
  const tarball = path.join(folder, `${seeded.name}.tar`)
  const failed = `${seeded.name}.failed`
  if (fs.existsSync(tarball)) return loadedFrom(tarball)
  try {
    fs.mkdirSync(path.join(folder, `${seeded.name}.building`))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    if ((await appearing(folder, [path.basename(tarball), failed])) === failed) {
      throw new Error(`Seeding ${seeded.name} failed in another test file: see its error`)
    }
    return loadedFrom(tarball)
  }
  const client = await loadedFrom((await migratedSnapshot()).tarball)
  const handle = embeddedHandle(client, { kind: 'embedded', dataDir: 'memory://' })
  try {
    await seeded.seed(handle.db)
    const dump = Buffer.from(await (await dumpAfterCheckpoint(client)).arrayBuffer())
    // Written whole under another name first: a waiting file takes the name as the sign it is complete.
    fs.writeFileSync(`${tarball}.part`, dump)
    fs.renameSync(`${tarball}.part`, tarball)
    await handle.changes.close()
    return client
  } catch (error) {
    fs.writeFileSync(path.join(folder, failed), String(error))
    await handle.close()
    throw error
  }
}

/** Resolves with the first of the names that exists in the folder, once one does. */
function appearing(folder: string, names: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const found = () => names.find((name) => fs.existsSync(path.join(folder, name)))
    const watcher = fs.watch(folder, () => {
      const name = found()
      if (name === undefined) return
      watcher.close()
      resolve(name)
    })
    watcher.on('error', reject)
    // It may have appeared before the watch began.
    const already = found()
    if (already !== undefined) {
      watcher.close()
      resolve(already)
    }
  })
}

/** The server's database seeded for this run, built from the migrated one by whoever needs it first. */
async function seededTemplate(serverUrl: string, seeded: SeededDatabase): Promise<string> {
  const migrated = await migratedTemplate(serverUrl)
  return buildTemplateOnce(serverUrl, `${seededTemplatePrefix(inject('testRun').id)}${seeded.name}`, {
    template: migrated,
    build: (handle) => seeded.seed(handle.db),
  })
}

/** A migrated template database on the server for these migrations (the global setup builds it). */
export function migratedTemplate(serverUrl: string): Promise<string> {
  return buildTemplateOnce(serverUrl, `probity_template_${snapshotKey()}`, {
    build: async (handle) => {
      await migrateDatabase(handle)
    },
  })
}

/**
 * A template database, built by whoever needs it first while others wait on a lock, optionally as a
 * copy of another. Nothing stays connected to it, as copying it requires.
 */
async function buildTemplateOnce(
  serverUrl: string,
  template: string,
  from: { template?: string; build(handle: DatabaseHandle): Promise<void> },
): Promise<string> {
  await withAdminClient(serverUrl, async (client) => {
    const exists = async () =>
      (await client.query('select 1 from pg_database where datname = $1', [template])).rowCount === 1
    if (await exists()) return
    await client.query('select pg_advisory_lock(hashtext($1))', [template])
    try {
      if (await exists()) return
      const building = `${template}_building`
      await client.query(`drop database if exists ${building} with (force)`)
      await client.query(`create database ${building}${from.template ? ` template ${from.template}` : ''}`)
      const handle = await openDatabase({ kind: 'server', url: databaseUrl(serverUrl, building) })
      try {
        await from.build(handle)
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

export async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
