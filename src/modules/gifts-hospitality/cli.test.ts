import path from 'node:path'
import { count } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { openDatabase } from '../../db/connection.js'
import { generatedRow, rosterCsv } from '../roster/test-support.js'
import { IMPORT_COLUMNS } from './fields.js'
import { giftsHospitality } from './schema.js'
import { generatedGiftRow, giftsCsv } from './test-support.js'

let cli: CliFolder
beforeAll(() => {
  cli = new CliFolder('gifts-cli')
})
afterAll(() => cli.remove())
const probity = (args: string[]) => cli.probity(args)
const writeFile = (name: string, content: string) => cli.writeFile(name, content)

/** The gifts and hospitality records in the folder the CLI wrote, counted once it has exited. */
async function giftCount(): Promise<number> {
  const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
  try {
    const [row] = await database.db.select({ value: count() }).from(giftsHospitality)
    return row?.value ?? 0
  } finally {
    await database.close()
  }
}

const STAFF = Array.from({ length: 40 }, (_, index) => `GIFT${String(index + 1).padStart(6, '0')}`)
const rows = Array.from({ length: 500 }, (_, index) => generatedGiftRow(index + 1, STAFF))

describe('probity gifts import', { timeout: 180_000 }, () => {
  it('needs the force’s roster first; then prints every bad row as "line N: reason" and writes nothing', async () => {
    const roster = writeFile(
      'roster.csv',
      rosterCsv(STAFF.map((_, index) => generatedRow(index + 1, 'GIFT'))),
    )
    const loaded = await probity(['roster', 'import', roster, '--force', 'cheshire'])
    expect(loaded.code).toBe(0)

    const broken = rows.map((row) => [...row])
    ;(broken[9] as string[])[6] = '30/02/2015' // line 11
    ;(broken[199] as string[])[0] = 'NOBODY' // line 201
    const file = writeFile('broken.csv', giftsCsv(broken))
    const result = await probity(['gifts', 'import', file, '--force', 'cheshire'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual([
      'line 11: offered_on: must be a real date, like 2011-03-27 or 27/3/2011',
      'line 201: staff_number: no member of staff with number NOBODY on the roster',
      'probity: 2 bad rows in broken.csv: nothing was written',
    ])
    expect(await giftCount()).toBe(0)
  })

  it('with --dry-run says what it would add and writes nothing; without it, imports every row', async () => {
    const file = writeFile('gifts.csv', giftsCsv(rows))
    const dry = await probity(['gifts', 'import', file, '--force', 'cheshire', '--dry-run'])
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout.trim()).toBe(
      'Dry run of gifts.csv for Cheshire Constabulary: 500 to add, 0 already on the register (unchanged). Nothing was written.',
    )
    expect(await giftCount()).toBe(0)

    const real = await probity(['gifts', 'import', file, '--force', 'cheshire'])
    expect(real.stderr).toBe('')
    expect(real.code).toBe(0)
    expect(real.stdout.trim()).toBe(
      "Imported gifts.csv into Cheshire Constabulary's gifts and hospitality register: 500 added, 0 already on the register (unchanged).",
    )
    expect(await giftCount()).toBe(500)

    const again = await probity(['gifts', 'import', file, '--force', 'cheshire'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('0 added, 500 already on the register (unchanged).')
    expect(await giftCount()).toBe(500)
  })

  it('refuses bad arguments in one clear line: a missing file, an unknown force, no --force', async () => {
    const file = writeFile('one.csv', giftsCsv(rows.slice(0, 1)))
    const missing = await probity([
      'gifts',
      'import',
      path.join(cli.folder, 'nowhere.csv'),
      '--force',
      'cheshire',
    ])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe(`probity: cannot read ${path.join(cli.folder, 'nowhere.csv')}: ENOENT`)

    const unknown = await probity(['gifts', 'import', file, '--force', 'atlantis'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe('probity: --force: No force has the code "atlantis"')

    const noForce = await probity(['gifts', 'import', file])
    expect(noForce.code).toBe(1)
    expect(noForce.stderr).toContain("required option '--force <code>' not specified")

    const noColumn = writeFile('no-column.csv', giftsCsv([], IMPORT_COLUMNS.slice(0, 3)))
    const header = await probity(['gifts', 'import', noColumn, '--force', 'cheshire'])
    expect(header.code).toBe(1)
    expect(header.stderr.trim()).toBe(
      'probity: no-column.csv has no column donor_name, donor_type, estimated_value, offered_on, outcome',
    )
    expect(await giftCount()).toBe(500)
  })
})
