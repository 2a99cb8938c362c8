import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'
import { demoRosterRows } from '../roster/demo.js'

const CONTACTS = [
  [
    'Jo Barker',
    'Evening Chronicle',
    '2012-06-04',
    'telephone',
    'Appeal for witnesses to a collision',
    'Time and place of the collision, the appeal number',
    'Press office',
  ],
  [
    'Raj Patel',
    'BBC local radio',
    '2012-09-17',
    'in person',
    'Interview on neighbourhood policing',
    'Priorities for the area and the next ward meeting',
    'Chief Inspector, Neighbourhood',
  ],
  [
    'Kate Hughes',
    'Regional daily newspaper',
    '2012-11-26',
    'email',
    'Request for comment on a court result',
    'Referred to the press office statement',
    null,
  ],
] as const

/** Adds the demo forces' media contacts, once: a force with any record is left as it is. */
export async function seedDemoMediaContacts(services: Services): Promise<void> {
  const references = await services.forces.references()
  for (const code of ['cheshire', 'cleveland']) {
    const force = references.find((candidate) => candidate.code === code)
    const staff = demoRosterRows(code)
    if (!force || staff.length === 0) continue
    const existing = await services.mediaContacts.list(
      SYSTEM_CALLER,
      { forceId: force.id },
      { sort: 'date', order: 'desc' },
      { offset: 0, limit: 1 },
    )
    if (existing.total > 0) continue
    for (const [index, contact] of CONTACTS.entries()) {
      const [journalist, outlet, contactOn, method, purpose, discussed, authorisedBy] = contact
      const member = index === 0 ? staff[staff.length - 1] : staff[index * 7]
      await services.mediaContacts.create(
        SYSTEM_CALLER,
        {
          staffNumber: member?.staff_number,
          journalist,
          outlet,
          contactOn,
          method,
          purpose,
          discussed,
          authorisedBy: authorisedBy ?? '',
        },
        force.id,
      )
    }
  }
}
