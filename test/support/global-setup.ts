import { migratedSnapshot } from './migrated-snapshot.js'
import { migratedTemplate } from './test-database.js'

/**
 * Builds the migrated database every test file starts from once, before any file runs, rather than
 * by several files at once. Command-line tests use the embedded one even when DATABASE_URL is set.
 */
export default async function setup(): Promise<void> {
  await migratedSnapshot()
  if (process.env.DATABASE_URL) await migratedTemplate(process.env.DATABASE_URL)
}
