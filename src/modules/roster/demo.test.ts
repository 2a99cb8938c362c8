import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../../../test/support/demo-app.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { DEMO_PASSWORD, seedDemoData } from '../../demo-data.js'
import { callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { countStaff } from './test-support.js'

let testApp: TestApp

beforeAll(async () => {
  testApp = await createDemoTestApp()
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => testApp.close())

describe('the demo roster', () => {
  it('gives each demo force 40 people in several ranks and units, links the demo users, and is added once', async () => {
    const { roster } = testApp.services
    for (const forceCode of ['cheshire', 'cleveland']) {
      const all = await roster.list(
        SYSTEM_CALLER,
        forceCode,
        { status: 'all' },
        { sort: 'grade', order: 'desc' },
      )
      expect(all.total).toBe(40)
      expect(all.members[0]?.grade).toBe('Chief Constable')
      const grades = new Set(all.members.map((member) => member.grade))
      expect(grades.size).toBeGreaterThanOrEqual(10)
      expect(new Set(all.members.map((member) => member.unit)).size).toBeGreaterThanOrEqual(8)
      expect(all.members.filter((member) => !member.serving)).toHaveLength(2)
    }

    // The demo officers are linked to their own entries, which they (and only they) may look up.
    for (const [email, name] of [
      ['officer@cheshire.example', 'Sam Cheshire-Staff'],
      ['officer@cleveland.example', 'Sid Cleveland-Staff'],
    ]) {
      const signedIn = await testApp.services.signIn.signIn(email as string, DEMO_PASSWORD, {
        ipAddress: null,
        userAgent: null,
      })
      if (!signedIn.ok) throw new Error(`${email} could not sign in`)
      const { principal } = signedIn
      expect(principal.staffMemberId).not.toBeNull()
      const own = await roster.find(callerFor(principal, null), principal.staffMemberId as string)
      expect(own).toMatchObject({ name, grade: 'Constable', serving: true })
    }

    const before = await countStaff(testApp.database.db)
    const again = await seedDemoData(testApp.services)
    expect(again.added).toBe(0)
    expect(await countStaff(testApp.database.db)).toBe(before)
  })
})
