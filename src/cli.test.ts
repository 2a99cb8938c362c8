import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runProbity } from '../test/support/cli-runner.js'
import { copyMigratedDataDir } from '../test/support/migrated-snapshot.js'
import { freePort, kill, spawnTypeScript, waitForOutput } from '../test/support/processes.js'

const folders: string[] = []
function tempDataDir(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-cli-'))
  folders.push(folder)
  return folder
}
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true })
})

// The CLI's settings must not come from whatever the developer's shell has set.
const cleanEnv = { DATABASE_URL: '', PORT: '', LOG_LEVEL: 'info' }

// What is not about the process itself runs in this one (see cli-runner.ts); the last test starts real ones.
describe('probity CLI', { timeout: 120_000 }, () => {
  it('prints help for each command', async () => {
    const help = await runProbity(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/serve\s/)
    expect(help.stdout).toMatch(/migrate\s/)
    const serveHelp = await runProbity(['serve', '--help'])
    expect(serveHelp.stdout).toContain('Usage: probity serve')
  })

  it('stops with one line naming PORT when PORT is not a number', async () => {
    const result = await runProbity(['serve'], {
      env: { ...cleanEnv, PORT: 'abc', PROBITY_DATA_DIR: tempDataDir() },
    })
    expect(result.code).not.toBe(0)
    expect(result.stderr.trim().split('\n')).toEqual([
      'probity: Invalid setting PORT="abc": expected a whole number from 1 to 65535',
    ])
  })

  it('rejects an unknown command with a hint', async () => {
    const result = await runProbity(['serv'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain("unknown command 'serv'")
  })

  it('migrates an empty data folder', async () => {
    const result = await runProbity(['migrate'], { env: { ...cleanEnv, PROBITY_DATA_DIR: tempDataDir() } })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/is current: \d+ migrations applied/)
  })

  it('serves, refuses a second command on the same folder, survives SIGKILL and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir()
    copyMigratedDataDir(dataDir)
    const port = await freePort()
    const env = { ...cleanEnv, PROBITY_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }

    const first = spawnTypeScript('bin/probity.js', ['serve'], env)
    await waitForOutput(first, /Probity is serving/)
    const forces = await fetch(`http://127.0.0.1:${port}/api/forces`)
    expect(((await forces.json()) as { forces: unknown[] }).forces).toHaveLength(44)

    // The lock names another process, so this one is refused as a second process would be.
    const blocked = await runProbity(['migrate'], { env })
    expect(blocked.code).toBe(1)
    expect(blocked.stderr).toMatch(/^probity: The data folder .* is in use by process \d+/)

    await kill(first, 'SIGKILL')

    const second = spawnTypeScript('bin/probity.js', ['serve'], env)
    await waitForOutput(second, /Probity is serving/)
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
    expect(await kill(second, 'SIGTERM')).toBe(0)
    expect(fs.existsSync(path.join(dataDir, 'probity.lock'))).toBe(false)
  })
})
