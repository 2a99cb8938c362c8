import { SYSTEM_CALLER } from '../../src/domain/access.js'
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
