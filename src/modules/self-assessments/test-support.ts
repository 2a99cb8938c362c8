import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'

/**
 * Puts people on a force's roster for tests of the sign-off, by [staff number, name, grade]; returns
 * their ids in the same order. Only a chief officer on the roster (or a delegate) may sign off.
 */
export async function addToRoster(
  services: Services,
  forceCode: string,
  people: [staffNumber: string, name: string, grade: string][],
): Promise<string[]> {
  const { plan } = await services.roster.importRows(SYSTEM_CALLER, {
    forceCode,
    filename: 'sign-off.csv',
    rows: people.map(([staff_number, name, grade], index) => ({
      line: index + 2,
      values: { staff_number, name, grade, unit: 'Chief Officer Team', start_date: '', leave_date: '' },
    })),
  })
  const ids: string[] = []
  for (const [staffNumber] of people)
    ids.push(
      (await services.roster.findByStaffNumber(SYSTEM_CALLER, plan.force.id, staffNumber))?.id as string,
    )
  return ids
}
