import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { embeddedHandle, PGLITE_EXTENSIONS } from '../../src/db/connection.js'
import { migrateDatabase } from '../../src/db/migrate.js'
import { repoRoot } from './processes.js'

/**
 * Starting PGlite on an empty folder runs initdb (seconds of CPU), and then every migration runs: most
 * of what a test file used to spend on its database. So a migrated database is built once, kept under
 * node_modules/.cache, and each test starts from a copy. It is keyed by everything that decides its
 * contents, so a new or changed migration (or reference data, or PGlite) builds a new one by itself.
 */
const SNAPSHOT_INPUTS = [
  'src/db/migrations',
  'src/db/migrate.ts',
  'src/modules/forces/reference',
  'src/modules/forces/reference-data.ts',
  'node_modules/@electric-sql/pglite/package.json',
  'test/support/migrated-snapshot.ts',
]

// A function, not a constant: processes.ts imports this module while it is itself being loaded.
const cacheRoot = () => path.join(repoRoot, 'node_modules/.cache/probity-migrated-database')

export interface MigratedSnapshot {
  /** PGlite's dump of the data folder, to load an in-memory database from. */
  tarball: string
  /** The same database as a data folder on disk, to copy for a command-line test. */
  dataDir: string
}

/** Lists every file under the inputs, in a fixed order, so the hash depends on contents only. */
function inputFiles(entry: string): string[] {
  const full = path.join(repoRoot, entry)
  if (!fs.statSync(full).isDirectory()) return [entry]
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => inputFiles(path.join(entry, name)))
}

export function snapshotKey(): string {
  const hash = createHash('sha256')
  for (const file of SNAPSHOT_INPUTS.flatMap(inputFiles)) {
    hash.update(`${file}\0`)
    hash.update(fs.readFileSync(path.join(repoRoot, file)))
    hash.update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

function snapshotIn(folder: string): MigratedSnapshot {
  return { tarball: path.join(folder, 'data.tar'), dataDir: path.join(folder, 'data') }
}

/** The snapshot for the migrations as they are now: built by whichever process needs it first. */
export async function migratedSnapshot(): Promise<MigratedSnapshot> {
  const key = snapshotKey()
  const folder = path.join(cacheRoot(), key)
  const snapshot = snapshotIn(folder)
  if (fs.existsSync(folder)) return snapshot
  // Test files start in parallel: each builder works in its own folder and the first rename wins.
  const building = path.join(cacheRoot(), `${key}.building-${process.pid}-${randomBytes(4).toString('hex')}`)
  fs.mkdirSync(building, { recursive: true })
  try {
    const tarball = await migratedTarball()
    fs.writeFileSync(path.join(building, 'data.tar'), Buffer.from(await tarball.arrayBuffer()))
    const onDisk = await PGlite.create(path.join(building, 'data'), {
      loadDataDir: tarball,
      extensions: PGLITE_EXTENSIONS,
    })
    await onDisk.close()
    try {
      fs.renameSync(building, folder)
    } catch (error) {
      if (!fs.existsSync(folder)) throw error
    }
  } finally {
    fs.rmSync(building, { recursive: true, force: true })
  }
  removeOtherSnapshots(key)
  return snapshot
}

/**
 * Fills an embedded database's data folder with a copy of the migrated one, as if `probity migrate`
 * had run there (for tests whose subject is not migrating). The global setup has built it.
 */
export function copyMigratedDataDir(dataDir: string): void {
  const folder = path.join(cacheRoot(), snapshotKey())
  if (!fs.existsSync(folder)) {
    throw new Error('No migrated database to copy: test/support/global-setup.ts builds it before the tests')
  }
  fs.cpSync(snapshotIn(folder).dataDir, dataDir, { recursive: true })
}

/**
 * Settings for a small database, kept in the snapshot (postgresql.auto.conf) so that every copy has
 * them. PGlite's defaults are for one that grows: it sets up 128 MB of shared buffers at every start
 * (about half a second of CPU, a third of a test database's load), and its write-ahead log comes in
 * 16 MB segments, nearly all empty, a third of every dump loaded; here they are 1 MB. A run loads
 * hundreds of copies: each now takes about 0.5 s of CPU instead of 1.2.
 */
const SMALL_DATABASE = { shared_buffers: '16MB', min_wal_size: '2MB' }

/**
 * While it is built only: log segments written during the migrations are removed once done with, not
 * kept for reuse, where each would be a megabyte of every dump.
 */
const WHILE_BUILDING = { wal_recycle: 'off' }

async function migratedTarball(): Promise<Blob> {
  const client = await PGlite.create({
    extensions: PGLITE_EXTENSIONS,
    initDbStartParams: ['--wal-segsize=1'],
    startParams: [
      ...PGlite.defaultStartParams,
      ...Object.entries({ ...SMALL_DATABASE, ...WHILE_BUILDING }).flatMap(([name, value]) => [
        '-c',
        `${name}=${value}`,
      ]),
    ],
  })
  const handle = embeddedHandle(client, { kind: 'embedded', dataDir: 'memory://' })
  try {
    await migrateDatabase(handle)
    for (const [name, value] of Object.entries(SMALL_DATABASE)) {
      await client.exec(`alter system set ${name} = '${value}'`)
    }
    // The app and the tests use the database `postgres` alone; the templates that initdb makes for
    // creating others are 15 MB, two fifths of every copy loaded. Nothing here creates a database.
    await client.exec(
      `update pg_database set datistemplate = false where datname in ('template0', 'template1')`,
    )
    for (const template of ['template0', 'template1']) await client.exec(`drop database ${template}`)
    return await dumpAfterCheckpoint(client)
  } finally {
    await handle.close()
  }
}

/**
 * A dump of a database that is still open: as of a checkpoint, so that each copy loaded from it starts
 * without replaying the log of everything written since the last one (a sixth of a load's time).
 */
export async function dumpAfterCheckpoint(client: PGlite): Promise<Blob> {
  await client.query('checkpoint')
  return client.dumpDataDir('none')
}

const ABANDONED_AFTER_MS = 60 * 60 * 1000

/**
 * Snapshots of migrations this checkout no longer has are of no further use, nor is a build that a
 * killed process left behind.
 */
function removeOtherSnapshots(key: string): void {
  for (const name of fs.readdirSync(cacheRoot())) {
    const folder = path.join(cacheRoot(), name)
    // Another builder may remove its own folder meanwhile.
    const modified = fs.statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()
    const abandoned = Date.now() - modified > ABANDONED_AFTER_MS
    if (name.includes('.building-') ? abandoned : name !== key) {
      fs.rmSync(folder, { recursive: true, force: true })
    }
  }
}
