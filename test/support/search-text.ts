import { SYSTEM_CALLER } from '../../src/domain/access.js'
import type { TestApp } from './test-app.js'

/**
 * A member of staff whose name, number and unit hold words found nowhere else in the test data, for the
 * tests that a register's search (its lower-cased search text) finds a record by each searched column in
 * any case, and never by text that runs from one column into the next.
 */
export const SEARCHABLE_MEMBER = {
  staff_number: 'WOMB0042',
  name: 'Wombat Smith',
  grade: 'Constable',
  unit: 'Kestrel Unit',
  start_date: '',
  leave_date: '',
}

/** Puts SEARCHABLE_MEMBER on the force's roster. */
export async function addSearchableMember(testApp: TestApp, forceCode: string): Promise<void> {
  const { result } = await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode,
    filename: 'searchable.csv',
    rows: [{ line: 2, values: SEARCHABLE_MEMBER }],
  })
  if (!result) throw new Error('the searchable member of staff was not imported')
}
