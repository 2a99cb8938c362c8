import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { type Database, openDatabase, queryRows } from '../../db/connection.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { createServices, type Services } from '../../services.js'
import { generatedGiftRow, giftsCsv } from '../gifts-hospitality/test-support.js'
import { publishedSocialMediaPolicy } from '../policies/test-support.js'

/**
 * `probity gifts import`, `probity alerts run` and `probity escalation run` as the real commands over
 * a data folder: Cheshire's member of staff has a second job with Harbour Boats, and a social media
 * policy none of its staff has acknowledged yet.
 */

let cli: CliFolder
const STAFF_NUMBER = 'PAT000001'

/** The services over the folder's database while `work` runs (closed before any command opens it). */
async function withFolderServices<T>(work: (services: Services, db: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
  try {
    return await work(createServices(database.db), database.db)
  } finally {
    await database.close()
  }
}

/** Cheshire's alerts as the database holds them, rule by rule. */
const cheshireAlerts = () =>
  withFolderServices((_, db) =>
    queryRows<{ rule: string; status: string }>(
      db,
      sql`select rule, status from alerts a join forces f on f.id = a.force_id
           where f.code = 'cheshire' order by rule, subject_key`,
    ),
  )

beforeAll(async () => {
  cli = new CliFolder('alerts-cli')
  await withFolderServices(async (services) => {
    await services.roster.importRows(SYSTEM_CALLER, {
      forceCode: 'cheshire',
      filename: 'roster.csv',
      rows: [
        {
          line: 2,
          values: {
            staff_number: STAFF_NUMBER,
            name: 'Pat Boatwright',
            grade: 'Constable',
            unit: 'Roads Policing',
            start_date: '2001-03-01',
            leave_date: '',
          },
        },
      ],
    })
    const cheshire = (await services.forces.references()).find((force) => force.code === 'cheshire')
    const forceId = cheshire?.id as number
    await services.businessInterests.record(SYSTEM_CALLER, {
      forceId,
      staffNumber: STAFF_NUMBER,
      submittedOn: '2012-01-10',
      nature: 'Boat repairs at weekends',
      category: 'paid employment',
      employer: 'Harbour Boats Ltd',
      hoursPerWeek: '6',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
    await publishedSocialMediaPolicy(services, forceId, '2099-12-31')
  })
}, 120_000)
afterAll(() => cli.remove())

describe('the correlation and monitoring commands', { timeout: 120_000 }, () => {
  it('probity gifts import raises the alerts its rows call for, as any write to the register does', async () => {
    // Three offers from the employer in the second job within a year, and one from a donor it does not know.
    const offers = [1, 2, 3, 4].map((index) => {
      const row = generatedGiftRow(index, [STAFF_NUMBER])
      row[3] = index === 4 ? 'Rotary Club of Chester' : 'HARBOUR BOATS PLC'
      row[4] = 'other'
      row[6] = `2012-0${index + 1}-15`
      row[7] = ''
      return row
    })
    const file = cli.writeFile('gifts.csv', giftsCsv(offers))
    const imported = await cli.probity(['gifts', 'import', file, '--force', 'cheshire'])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('4 added')
    expect(await cheshireAlerts()).toEqual([
      { rule: 'gift-from-employer', status: 'open' },
      { rule: 'gift-from-employer', status: 'open' },
      { rule: 'gift-from-employer', status: 'open' },
      { rule: 'repeated-gifts-from-one-donor', status: 'open' },
    ])
  })

  it('probity alerts run raises over all data what no write raised: here, alerts lost behind its back', async () => {
    const [forces] = await withFolderServices((_, db) =>
      queryRows<{ count: number }>(db, sql`select count(*)::int as count from forces`),
    )
    await withFolderServices((_, db) => db.execute(sql`delete from alerts`))
    const run = await cli.probity(['alerts', 'run'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^4 new alerts in ${forces?.count} forces \\(\\d+\\.\\d s\\)\\n$`))
    expect(await cheshireAlerts()).toHaveLength(4)
    const again = await cli.probity(['alerts', 'run'])
    expect(again.stdout).toMatch(new RegExp(`^0 new alerts in ${forces?.count} forces`))
  })

  it('probity escalation run proposes the change the rules call for, once, for a lead inspector', async () => {
    const run = await cli.probity(['escalation', 'run'])
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toBe('Cheshire Constabulary: Scan → Engage proposed')
    expect(lines[1]).toMatch(
      /^1 change of state proposed, \d+ forces unchanged; a lead inspector decides each at \/monitoring$/,
    )
    const proposals = await withFolderServices(
      async (services) => (await services.escalation.forForce(SYSTEM_CALLER, 'cheshire')).proposal,
    )
    expect(proposals?.reasons).toEqual([
      'Staff awareness of the latest policy is below 50% in one area: social media 0%.',
    ])
    const again = await cli.probity(['escalation', 'run'])
    expect(again.stdout).toMatch(/^0 changes of state proposed, \d+ forces unchanged;/)
  })
})
