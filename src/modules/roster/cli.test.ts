import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { openDatabase } from '../../db/connection.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { createServices } from '../../services.js'
import { countStaff, generatedRow, rosterCsv } from './test-support.js'

let cli: CliFolder
beforeAll(() => {
  cli = new CliFolder('roster-cli')
})
afterAll(() => cli.remove())
const probity = (args: string[]) => cli.probity(args)
const writeFile = (name: string, content: string) => cli.writeFile(name, content)

/** Reads the folder the CLI wrote, once it has exited. */
async function withServicesOver<T>(
  work: (services: ReturnType<typeof createServices>, count: () => Promise<number>) => Promise<T>,
) {
  const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
  try {
    return await work(createServices(database.db), () => countStaff(database.db))
  } finally {
    await database.close()
  }
}

const rows = Array.from({ length: 300 }, (_, index) => generatedRow(index + 1, 'CLI'))

describe('probity roster import', { timeout: 180_000 }, () => {
  it('prints every bad row as "line N: reason", exits non-zero, and writes nothing', async () => {
    const broken = rows.map((row) => [...row])
    ;(broken[9] as string[])[5] = '2000-01-01' // leaves before starting in 2001
    ;(broken[199] as string[])[2] = ''
    const file = writeFile('broken.csv', rosterCsv(broken))
    const result = await probity(['roster', 'import', file, '--force', 'cheshire'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual([
      'line 11: leave_date: the leave date 2000-01-01 is before the start date 2001-03-11',
      'line 201: grade: enter the grade or rank',
      'probity: 2 bad rows in broken.csv: nothing was written',
    ])
    await withServicesOver(async (_services, count) => expect(await count()).toBe(0))
  })

  it('with --dry-run says what would change and writes nothing; without it, imports every row', async () => {
    const file = writeFile('roster.csv', rosterCsv(rows))
    const dry = await probity(['roster', 'import', file, '--force', 'cheshire', '--dry-run'])
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain(
      'Dry run of roster.csv for Cheshire Constabulary: 300 to add, 0 to update, 0 unchanged. Nothing was written.',
    )
    await withServicesOver(async (_services, count) => expect(await count()).toBe(0))

    const real = await probity(['roster', 'import', file, '--force', 'cheshire'])
    expect(real.stderr).toBe('')
    expect(real.code).toBe(0)
    expect(real.stdout).toContain(
      "Imported roster.csv into Cheshire Constabulary's roster: 300 added, 0 updated, 0 unchanged.",
    )
    await withServicesOver(async (_services, count) => expect(await count()).toBe(300))
  })

  it('updates changed rows by staff number when the file is imported again', async () => {
    const changed = rows.map((row) => [...row])
    ;(changed[4] as string[])[1] = 'Person 5 Renamed'
    const file = writeFile('roster-2.csv', rosterCsv(changed))
    const result = await probity(['roster', 'import', file, '--force', 'cheshire'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('0 added, 1 updated, 299 unchanged.')
    await withServicesOver(async (services, count) => {
      expect(await count()).toBe(300)
      const force = await services.roster.forceForImport(SYSTEM_CALLER, 'cheshire')
      const member = await services.roster.findByStaffNumber(SYSTEM_CALLER, force.id, 'CLI000005')
      expect(member?.name).toBe('Person 5 Renamed')
    })
  })

  it('refuses an unknown force in one clear line', async () => {
    const file = writeFile('one.csv', rosterCsv([generatedRow(1)]))
    const result = await probity(['roster', 'import', file, '--force', 'atlantis'])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('probity: --force: No force has the code "atlantis"')
  })
})
