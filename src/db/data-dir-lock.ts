import fs from 'node:fs'
import path from 'node:path'

/**
 * PGlite corrupts a data folder that two processes open at once, so whoever opens it first holds a
 * lock file naming its process; a second opener fails fast. A lock left by a process that no longer
 * runs (killed, crashed) is taken over, so a restart after a crash just works. This process counts
 * as a holder too: opening the same folder twice in one process would corrupt it just the same.
 */
export class DataDirInUseError extends Error {}

const LOCK_FILE = 'probity.lock'

export interface DataDirLock {
  release(): void
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const lockPath = path.join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      return {
        release() {
          if (readHolder(lockPath) === process.pid) fs.rmSync(lockPath, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(lockPath)
      if (holder !== undefined && isRunning(holder)) {
        throw new DataDirInUseError(
          `The data folder ${dataDir} is in use by process ${holder} (a running probity server?). ` +
            'Stop it first, or set PROBITY_DATA_DIR to another folder.',
        )
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new DataDirInUseError(`Could not lock the data folder ${dataDir}: another process keeps taking it.`)
}
