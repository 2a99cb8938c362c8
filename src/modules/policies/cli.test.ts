import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { openDatabase } from '../../db/connection.js'
import { migrateDatabase } from '../../db/migrate.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { createServices } from '../../services.js'
import { publishedSocialMediaPolicy } from './test-support.js'

let cli: CliFolder
const probity = (args: string[]) => cli.probity(args)

/**
 * A force with four people in two units, asked in March 2012 to acknowledge a policy by 31 March:
 * one has, three have not, so all three are overdue by the time the command runs.
 */
beforeAll(async () => {
  cli = new CliFolder('policies-cli')
  const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
  try {
    await migrateDatabase(database)
    const services = createServices(database.db)
    const people = [
      ['P1', 'Amy Able', 'Constable', 'Response'],
      ['P2', 'Ben Baker', 'Sergeant', 'Response'],
      ['P3', 'Cat Cole', 'Constable', 'Roads Policing'],
      ['P4', 'Dan Dale', 'Constable', 'Roads Policing'],
    ]
    const { plan } = await services.roster.importRows(SYSTEM_CALLER, {
      forceCode: 'cheshire',
      filename: 'people.csv',
      rows: people.map(([staff_number, name, grade, unit], index) => ({
        line: index + 2,
        values: { staff_number, name, grade, unit, start_date: '2001-01-01', leave_date: '' } as Record<
          string,
          string
        >,
      })),
    })
    const forceId = plan.force.id
    const versionId = await publishedSocialMediaPolicy(services, forceId, '2012-03-31', {
      at: new Date('2012-03-01T10:00:00Z'),
    })
    const amy = await services.roster.findByStaffNumber(SYSTEM_CALLER, forceId, 'P1')
    await services.policies.acknowledge(
      SYSTEM_CALLER,
      versionId,
      { read: 'yes' },
      { staffMemberId: amy?.id, at: new Date('2012-03-10T10:00:00Z') },
    )
  } finally {
    await database.close()
  }
})
afterAll(() => cli.remove())

describe('probity policies reminders', { timeout: 120_000 }, () => {
  it('lists the overdue by unit', async () => {
    const result = await probity(['policies', 'reminders', '--force', 'cheshire'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toBe('3 overdue policy acknowledgements in Cheshire Constabulary:')
    expect(lines.slice(1).join('\n')).toMatch(
      /^\nResponse\n {2}P2 {2}Ben Baker \(Sergeant\): Social media policy, version 1, due 2012-03-31, \d+ days overdue\n\nRoads Policing\n {2}P3 {2}Cat Cole .*\n {2}P4 {2}Dan Dale .*$/,
    )
  })

  it('narrows to one unit, and gives JSON', async () => {
    const result = await probity([
      'policies',
      'reminders',
      '--force',
      'cheshire',
      '--unit',
      'Roads Policing',
      '--json',
    ])
    expect(result.code).toBe(0)
    const body = JSON.parse(result.stdout)
    expect(body.force).toBe('cheshire')
    expect(body.overdue.map((entry: { name: string }) => entry.name)).toEqual(['Cat Cole', 'Dan Dale'])
    expect(body.overdue[0]).toMatchObject({ unit: 'Roads Policing', staffNumber: 'P3', dueOn: '2012-03-31' })
  })

  it('refuses an unknown force in one clear line', async () => {
    const result = await probity(['policies', 'reminders', '--force', 'atlantis'])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('probity: --force: there is no force with the code atlantis')
  })
})
