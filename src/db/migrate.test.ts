import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openDatabase } from './connection.js'
import { migrateDatabase, migrationStatus } from './migrate.js'

const serverUrl = process.env.DATABASE_URL

describe.skipIf(!serverUrl)('migrations on a PostgreSQL server', () => {
  it('are applied once when two instances start together on a fresh database', async () => {
    const name = `probity_migrate_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const url = new URL(serverUrl ?? '')
    url.pathname = `/${name}`
    const [first, second] = await Promise.all([
      openDatabase({ kind: 'server', url: url.toString() }),
      openDatabase({ kind: 'server', url: url.toString() }),
    ])
    try {
      const statuses = await Promise.all([migrateDatabase(first), migrateDatabase(second)])
      for (const status of statuses) expect(status.current).toBe(true)
      // Each migration is recorded once: had both applied them, there would be two rows of each.
      const status = await migrationStatus(first.db)
      expect(status.applied).toBe(status.expected)
    } finally {
      await Promise.all([first.close(), second.close()])
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => {})
      await admin.end()
    }
  }, 240_000)
})
