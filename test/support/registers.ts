import type { Transaction } from '../../src/db/tenancy.js'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import { businessInterests } from '../../src/modules/business-interests/schema.js'
import { giftsHospitality } from '../../src/modules/gifts-hospitality/schema.js'
import { mediaContacts } from '../../src/modules/media-contacts/schema.js'
import type { TestApp } from './test-app.js'
import { createTwoForcesTestApp, type TwoForces } from './two-forces.js'

/**
 * The app over the two test forces for a register's tests, on a test clock, with Alpha's member of
 * staff's account linked to their roster entry so that they can use the self-service pages.
 */
export async function createRegisterTestApp(now: () => Date): Promise<{ testApp: TestApp; cast: TwoForces }> {
  const { testApp, cast } = await createTwoForcesTestApp({ now })
  await testApp.services.users.linkStaffMember(
    SYSTEM_CALLER,
    cast.alpha.users.staff.id,
    cast.alpha.roster.staffMemberId,
  )
  return { testApp, cast }
}

/**
 * One record in each of the three registers that name a member of staff (a gift, a media contact and a
 * second job), written in `tx` under its force's scope, for tests of what the records copy from the roster.
 */
export async function addRecordInEachRegister(tx: Transaction, forceId: number, staffMemberId: string) {
  await tx.insert(giftsHospitality).values({
    forceId,
    staffMemberId,
    kind: 'gift',
    description: 'A pen',
    donorName: 'Pens Ltd',
    donorType: 'supplier',
    estimatedValue: 5,
    offeredOn: '2012-01-05',
    declaredOn: '2012-01-06',
    outcome: 'accepted',
  })
  await tx.insert(mediaContacts).values({
    forceId,
    staffMemberId,
    journalist: 'A Reporter',
    outlet: 'The Courier',
    contactOn: '2012-01-07',
    method: 'telephone',
    purpose: 'An appeal for witnesses',
    discussed: 'The appeal',
  })
  await tx.insert(businessInterests).values({
    forceId,
    staffMemberId,
    submittedOn: '2012-01-08',
    nature: 'Driving instructor',
    category: 'other',
    paid: 'yes',
    conflictDeclaration: 'None',
  })
}
