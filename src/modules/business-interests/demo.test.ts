import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../../../test/support/demo-app.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { seedDemoData } from '../../demo-data.js'
import { SYSTEM_CALLER } from '../../domain/access.js'

let testApp: TestApp
beforeAll(async () => {
  testApp = await createDemoTestApp()
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => testApp.close())

describe('demo business interests', () => {
  it('gives each demo force applications in every state once, and the public register names only the chief', async () => {
    // Seeded again, as every `serve --demo` does.
    await seedDemoData(testApp.services)
    const forces = await testApp.services.forces.references()
    for (const code of ['cheshire', 'cleveland']) {
      const forceId = forces.find((force) => force.code === code)?.id
      const { items } = await testApp.services.businessInterests.list(SYSTEM_CALLER, { forceId })
      // The data-returns demo adds the force's historic 2011-12 applications; these are the register's own.
      const current = items.filter((item) => item.submittedOn > '2012-05-31')
      expect(current.map((item) => item.status).sort()).toEqual([
        'approved',
        'approved',
        'approved with conditions',
        // The demo officer's job with Radio Systems, which the alerts demo adds (src/modules/alerts/demo.ts).
        'approved with conditions',
        'refused',
        'submitted',
        'withdrawn',
      ])
      const register = await testApp.services.publishedRegisters.businessInterestsRegister(code)
      expect(register.interests.filter((row) => row.name !== null).map((row) => row.grade)).toEqual([
        'Chief Constable',
      ])
      expect((await testApp.services.businessInterests.reviewsDue(SYSTEM_CALLER, { forceId })).length).toBe(1)
    }
  })
})
