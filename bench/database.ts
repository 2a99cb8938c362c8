// Where a benchmark runs: a fresh in-memory PGlite, or a throwaway database on the PostgreSQL server
// that DATABASE_URL names, dropped again afterwards (BENCH_KEEP_DATABASE=1 keeps it to look at).
// Or `reuse`, a database on that server by name (made if missing, never dropped): run.ts passes
// BENCH_DATABASE, so a national dataset seeded once is measured again and again.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { DatabaseSettings } from '../src/config.js'

export interface BenchDatabase {
  settings: DatabaseSettings
  /** For child processes: the throwaway database's URL, or undefined for PGlite. */
  url?: string
  drop(): Promise<void>
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

export async function benchDatabase(purpose: string, reuse?: string): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) return { settings: { kind: 'embedded', dataDir: 'memory://' }, async drop() {} }
  if (reuse) {
    if (!/^[a-z_][a-z0-9_]*$/.test(reuse)) throw new Error(`${reuse} is not a plain database name`)
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    try {
      const found = await client.query('select 1 from pg_database where datname = $1', [reuse])
      if (!found.rowCount) await client.query(`create database ${reuse}`)
    } finally {
      await client.end()
    }
    const url = new URL(serverUrl)
    url.pathname = `/${reuse}`
    return { settings: { kind: 'server', url: url.toString() }, url: url.toString(), async drop() {} }
  }
  const name = `probity_bench_${purpose}_${randomBytes(4).toString('hex')}`
  await onServer(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    settings: { kind: 'server', url: url.toString() },
    url: url.toString(),
    async drop() {
      if (process.env.BENCH_KEEP_DATABASE === '1') {
        console.log(`Kept the benchmark database ${name}`)
        return
      }
      await onServer(serverUrl, `drop database if exists ${name} with (force)`)
    },
  }
}
