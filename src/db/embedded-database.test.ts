import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { copyMigratedDataDir } from '../../test/support/migrated-snapshot.js'
import { kill, spawnTypeScript, waitForOutput } from '../../test/support/processes.js'
import { regions } from '../modules/forces/schema.js'
import { openDatabase } from './connection.js'
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js'

const folders: string[] = []
function tempDataDir(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-data-'))
  folders.push(folder)
  return folder
}
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true })
})

describe('data folder lock', () => {
  it('refuses a second opener while the first holds the folder, and frees it on release', () => {
    const dataDir = tempDataDir()
    const lock = lockDataDir(dataDir)
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError)
    expect(() => lockDataDir(dataDir)).toThrow(new RegExp(`in use by process ${process.pid}`))
    lock.release()
    lockDataDir(dataDir).release()
  })

  it('takes over a lock left by a process that no longer runs', () => {
    const dataDir = tempDataDir()
    fs.writeFileSync(path.join(dataDir, 'probity.lock'), '2147483646')
    const lock = lockDataDir(dataDir)
    expect(fs.readFileSync(path.join(dataDir, 'probity.lock'), 'utf8')).toBe(String(process.pid))
    lock.release()
  })
})

describe('embedded database durability', () => {
  it('keeps a committed change when the process holding it is killed', async () => {
    const dataDir = tempDataDir()
    copyMigratedDataDir(dataDir)
    const child = spawnTypeScript('test/support/commit-then-hang.ts', [dataDir, 'Committed Before The Crash'])
    await waitForOutput(child, /committed/)

    // While the child runs, the folder is its own.
    await expect(openDatabase({ kind: 'embedded', dataDir })).rejects.toThrow(DataDirInUseError)

    await kill(child, 'SIGKILL')
    const database = await openDatabase({ kind: 'embedded', dataDir })
    try {
      const [eastern] = await database.db.select().from(regions).where(eq(regions.name, 'Eastern'))
      expect(eastern?.hmiName).toBe('Committed Before The Crash')
    } finally {
      await database.close()
    }
  })
})

describe('the embedded engine', () => {
  let child: ChildProcess | undefined
  // After the test, not in it: a test that times out is abandoned where it waits, and would leave the child spinning.
  afterEach(async () => {
    if (child) await kill(child, 'SIGKILL')
    child = undefined
  })

  it('empties the error context stack before each message, so a cycle left in it cannot hang the process', async () => {
    child = spawnTypeScript('test/children/cyclic-error-context.ts', [])
    expect(await waitForOutput(child, /^answered$/m)).toContain('answered')
  }, 60_000)
})
