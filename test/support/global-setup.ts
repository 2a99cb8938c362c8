import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { migratedSnapshot } from './migrated-snapshot.js'
import { migratedTemplate, seededTemplatePrefix, withAdminClient } from './test-database.js'

/**
 * Builds the migrated database every test file starts from once, before any file runs, rather than
 * by several files at once. Command-line tests use the embedded one even when DATABASE_URL is set.
 * Gives the run a folder and a name for the data its files seed once (test-database.ts), and removes
 * that data when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await migratedSnapshot()
  const serverUrl = process.env.DATABASE_URL
  if (serverUrl) await migratedTemplate(serverUrl)
  const id = randomBytes(4).toString('hex')
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-test-run-'))
  project.provide('testRun', { id, folder })
  return async () => {
    fs.rmSync(folder, { recursive: true, force: true })
    if (!serverUrl) return
    await withAdminClient(serverUrl, async (client) => {
      const { rows } = await client.query<{ name: string }>(
        'select datname as name from pg_database where starts_with(datname, $1)',
        [seededTemplatePrefix(id)],
      )
      for (const { name } of rows) await client.query(`drop database if exists ${name} with (force)`)
    })
  }
}
