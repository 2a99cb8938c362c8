import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'
import { demoRosterRows } from '../roster/demo.js'

/** A year of offers for a demo force (in the financial year 2012 to 2013, which the demo's clock is in), some from suppliers and the media, for the register to show. */
const OFFERS = [
  [
    'gift',
    'Bottle of wine after a burglary was solved',
    'Grateful resident',
    'public',
    '12',
    '2012-05-14',
    'accepted',
    'kept',
  ],
  [
    'hospitality',
    'Tickets and dinner at a cup match',
    'Northern Fleet Leasing Ltd',
    'supplier',
    '180',
    '2012-08-20',
    'declined',
    'returned',
  ],
  [
    'hospitality',
    'Lunch with the crime reporter',
    'Evening Chronicle',
    'media',
    '35',
    '2012-09-07',
    'accepted',
    null,
  ],
  [
    'gift',
    'Branded fleece jacket',
    'Custody Catering Services',
    'contractor',
    '40',
    '2012-10-11',
    'accepted',
    'donated',
  ],
  [
    'gift',
    'Box of chocolates from a school visit',
    'St Mary’s Primary School',
    'partner agency',
    '8',
    '2012-12-10',
    'accepted',
    'kept',
  ],
  [
    'hospitality',
    'Christmas reception',
    'Radio Systems plc',
    'supplier',
    '60',
    '2012-12-06',
    'declined',
    null,
  ],
] as const

/** Adds the demo forces' gifts and hospitality, once: a force with any record is left as it is. */
export async function seedDemoGifts(services: Services): Promise<void> {
  const references = await services.forces.references()
  for (const code of ['cheshire', 'cleveland']) {
    const force = references.find((candidate) => candidate.code === code)
    const staff = demoRosterRows(code)
    if (!force || staff.length === 0) continue
    const existing = await services.giftsHospitality.list(
      SYSTEM_CALLER,
      { forceId: force.id },
      { sort: 'offered', order: 'desc' },
      { offset: 0, limit: 1 },
    )
    if (existing.total > 0) continue
    for (const [index, offer] of OFFERS.entries()) {
      const [kind, description, donorName, donorType, estimatedValue, offeredOn, outcome, disposal] = offer
      // The demo member of staff (the last row) declares the first offer; others are spread over the roster.
      const member = index === 0 ? staff[staff.length - 1] : staff[(index * 5) % (staff.length - 3)]
      await services.giftsHospitality.record(
        SYSTEM_CALLER,
        {
          staffNumber: member?.staff_number,
          kind,
          description,
          donorName,
          donorType,
          estimatedValue,
          offeredOn,
          outcome,
          disposal: disposal ?? '',
          approver: Number(estimatedValue) >= 25 ? 'Head of Professional Standards' : '',
        },
        force.id,
      )
    }
  }
}
