import { PGlite } from '@electric-sql/pglite'
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { type ExtractTablesWithRelations, type SQL, sql } from 'drizzle-orm'
import { drizzle as drizzlePostgres, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres'
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import type { DatabaseSettings } from '../config.js'
import { DATA_CHANGED_CHANNEL, DataChanges, type StartWatching } from './data-changes.js'
import { lockDataDir } from './data-dir-lock.js'
import { guardEmbeddedEngine } from './embedded-engine.js'

/**
 * The one type every query is written against, whichever engine is underneath. Queries name their
 * tables (src/db/schema.ts) themselves: Drizzle is given no schema, since with one it builds a
 * relational query builder for each of the hundred-odd tables on every transaction, which nothing uses.
 */
export type Database = PgDatabase<PgQueryResultHKT>

/** What a transaction's work is given: the same queries as `Database`, on the transaction's connection. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]

/** Settings a transaction starts with, each local to it (`set_config(name, value, true)`). */
export type TransactionSettings = ReadonlyArray<readonly [name: string, value: string]>

type TransactionRunner = <T>(
  settings: TransactionSettings,
  work: (tx: Transaction) => Promise<T>,
) => Promise<T>

/** How each database opened here runs a transaction with its settings. */
const transactionRunners = new WeakMap<Database, TransactionRunner>()
const embeddedDatabases = new WeakSet<Database>()

/** Whether `db` is the embedded database (PGlite, in this process) rather than a PostgreSQL server. */
export const isEmbedded = (db: Database): boolean => embeddedDatabases.has(db)

/**
 * Runs `work` in one transaction that starts with `settings` set locally, so nothing leaks to the next
 * user of the connection. On a server, BEGIN and the settings go in one round trip: every request pays
 * for them, and the socket writes of a request's round trips were a sixth of the app's CPU in the mixed
 * benchmark (a trivial transaction, paired: 0.26 → 0.19 ms). The embedded database runs in the process,
 * so there they stay two statements.
 */
export function inTransaction<T>(
  db: Database,
  settings: TransactionSettings,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const run = transactionRunners.get(db)
  if (!run) return Promise.reject(new Error('inTransaction needs a database opened by openDatabase'))
  return run(settings, work)
}

/**
 * The settings as one statement with their values written as literals, which lets it ride in a
 * simple-protocol query after BEGIN (a statement with parameters must go alone).
 */
const settingsStatement = (settings: TransactionSettings) =>
  `select ${settings.map(([name, value]) => `set_config(${pg.escapeLiteral(name)}, ${pg.escapeLiteral(value)}, true)`).join(', ')}`

/** A server's transactions: a pooled connection each, begun and set in one round trip. */
function serverTransactions(pool: pg.Pool): TransactionRunner {
  const dialect = new PgDialect({ casing: COLUMN_CASING })
  return async (settings, work) => {
    const client = await pool.connect()
    const tx: Transaction = new NodePgTransaction<
      Record<string, never>,
      ExtractTablesWithRelations<Record<string, never>>
    >(dialect, new NodePgSession(client, dialect, undefined), undefined)
    try {
      await client.query(`begin; ${settingsStatement(settings)}`)
      const result = await work(tx)
      await client.query('commit')
      client.release()
      return result
    } catch (error) {
      // A connection that cannot even roll back is broken: the pool closes it rather than lend it again.
      const rolledBack = await client.query('rollback').then(
        () => true,
        () => false,
      )
      client.release(!rolledBack)
      throw error
    }
  }
}

/** The embedded database's transactions: PGlite's own, which queue on its one connection. */
function embeddedTransactions(db: Database): TransactionRunner {
  return (settings, work) =>
    db.transaction(async (tx) => {
      await tx.execute(sql.raw(settingsStatement(settings)))
      return work(tx)
    })
}

export interface DatabaseHandle {
  db: Database
  settings: DatabaseSettings
  kind: DatabaseSettings['kind']
  /** Where the data is, for logs: a folder, or the server without its password. */
  location: string
  /** Committed changes to the data, for what a server keeps in memory. */
  changes: DataChanges
  close(): Promise<void>
}

/** Where the connection's own troubles are reported (the process's log; pino's loggers fit). */
export interface DatabaseLog {
  warn(details: { err: unknown }, message: string): void
}

const UNLOGGED: DatabaseLog = { warn: () => {} }

/** Connections in a server database's pool, per process. */
export const POOL_SIZE = 10

/** How the schemas' column names (camelCase in TypeScript) are written in the database. */
export const COLUMN_CASING = 'snake_case'

/**
 * Each query on its own connection's backend. The server's parallel workers are started for each query
 * that plans them: under many requests at once they spend the CPU the requests need (the mixed
 * benchmark answered 27 requests a second with them, 36 without), and one at a time they saved nothing.
 */
const WITHOUT_PARALLEL_WORKERS = 'set max_parallel_workers_per_gather = 0'

/** `memory://` opens a throwaway embedded database (tests); any other folder is locked while open. */
export async function openDatabase(
  settings: DatabaseSettings,
  log: DatabaseLog = UNLOGGED,
): Promise<DatabaseHandle> {
  if (settings.kind === 'server') {
    const changes = new DataChanges(standingListener(settings.url, log))
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: POOL_SIZE,
      // A connection hears its own transaction's notification before the commit returns, so the
      // process's own writes are counted before anyone can read after them.
      onConnect: async (client) => {
        client.on('notification', (notification) => changes.changed(notification.payload ?? ''))
        // The pool hears an idle connection fail, but not one lent out: its query fails, and then the
        // socket's close is an 'error' event that, unheard, would end the process.
        client.on('error', (error) => log.warn({ err: error }, 'a database connection in use failed'))
        await client.query(`listen ${DATA_CHANGED_CHANNEL}; ${WITHOUT_PARALLEL_WORKERS}`)
      },
    })
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', (error) => log.warn({ err: error }, 'an idle database connection failed'))
    const url = new URL(settings.url)
    const db = drizzlePostgres({ client: pool, casing: COLUMN_CASING })
    transactionRunners.set(db, serverTransactions(pool))
    return {
      db,
      settings,
      kind: 'server',
      location: `postgres://${url.host}${url.pathname}`,
      changes,
      async close() {
        await changes.close()
        await pool.end()
      },
    }
  }
  const inMemory = settings.dataDir.startsWith('memory://')
  const lock = inMemory ? undefined : lockDataDir(settings.dataDir)
  try {
    const client = await PGlite.create(inMemory ? undefined : settings.dataDir, {
      extensions: PGLITE_EXTENSIONS,
    })
    return embeddedHandle(client, settings, () => lock?.release())
  } catch (error) {
    lock?.release()
    throw error
  }
}

/**
 * The extensions the migrations create, which PGlite ships as modules to load when it opens a
 * database (every open, as the data folder keeps only that they were created): pg_trgm for matching
 * organisations' names and searching, btree_gin for a search index that holds the force beside the text.
 */
export const PGLITE_EXTENSIONS = { btree_gin, pg_trgm }

/** A handle over an embedded database that is already open; `released` runs once it is closed. */
export function embeddedHandle(
  client: PGlite,
  settings: DatabaseSettings & { kind: 'embedded' },
  released: () => void = () => {},
): DatabaseHandle {
  guardEmbeddedEngine(client)
  // One process and one connection: listening on it hears every writer, its own commits included.
  const changes = new DataChanges(async (heard) => {
    const unlisten = await client.listen(DATA_CHANGED_CHANNEL, (transactionId) =>
      heard.changed(transactionId),
    )
    heard.hearing(true)
    return async () => {
      heard.hearing(false)
      await unlisten()
    }
  })
  const db = drizzlePglite({ client, casing: COLUMN_CASING })
  transactionRunners.set(db, embeddedTransactions(db))
  embeddedDatabases.add(db)
  return {
    db,
    settings,
    kind: 'embedded',
    location: settings.dataDir.startsWith('memory://') ? 'memory' : settings.dataDir,
    changes,
    async close() {
      await changes.close()
      await client.close()
      released()
    },
  }
}

const RELISTEN_AFTER_MS = 1000

/**
 * One connection of its own that listens for other processes' changes, and reconnects after losing
 * its server; while it is down nothing kept in memory is used.
 */
function standingListener(url: string, log: DatabaseLog): StartWatching {
  return async (changes) => {
    let stopped = false
    let current: pg.Client | undefined
    let retry: NodeJS.Timeout | undefined
    const listen = async () => {
      const client = new pg.Client({ connectionString: url })
      client.on('notification', (notification) => changes.changed(notification.payload ?? ''))
      client.on('error', (error) => log.warn({ err: error }, 'the change listener lost its connection'))
      client.on('end', () => {
        if (current !== client) return
        current = undefined
        changes.hearing(false)
        relistenLater()
      })
      try {
        await client.connect()
        await client.query(`listen ${DATA_CHANGED_CHANNEL}`)
      } catch (error) {
        await client.end().catch(() => {})
        throw error
      }
      current = client
      changes.hearing(true)
    }
    const relistenLater = () => {
      if (stopped || retry) return
      retry = setTimeout(() => {
        retry = undefined
        listen().catch((error) => {
          log.warn({ err: error }, 'the change listener could not reconnect; retrying')
          relistenLater()
        })
      }, RELISTEN_AFTER_MS)
    }
    await listen()
    return async () => {
      stopped = true
      clearTimeout(retry)
      const client = current
      current = undefined
      changes.hearing(false)
      await client?.end()
    }
  }
}

/** Runs raw SQL and returns its rows; both drivers' results carry `rows`, which Drizzle's shared type hides. */
export async function queryRows<Row>(db: Database, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] }
  return result.rows
}
