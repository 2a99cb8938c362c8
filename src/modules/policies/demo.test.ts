import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { seedDemoRoster } from '../roster/demo.js'
import { seedDemoPolicies } from './demo.js'

let testApp: TestApp
beforeAll(async () => {
  testApp = await createTestApp({ now: () => new Date('2012-04-15T12:00:00Z') })
})
afterAll(() => testApp.close())

describe('the demo policies', () => {
  it('give each demo force the six areas, published to all staff and partly acknowledged, once', async () => {
    const { services } = testApp
    await seedDemoRoster(services)
    await seedDemoPolicies(services)
    await seedDemoPolicies(services)
    for (const code of ['cheshire', 'cleveland']) {
      const force = (await services.forces.references()).find((candidate) => candidate.code === code)
      const areas = await services.policies.awarenessByArea(SYSTEM_CALLER, force?.id as number, '2012-04-15')
      expect(areas).toHaveLength(6)
      for (const area of areas) {
        expect(area.version).toBe(1)
        expect(area.applicable).toBe(38)
        expect(area.rate).toBeGreaterThan(0.3)
        expect(area.rate).toBeLessThan(0.95)
      }
      const early = await services.policies.awarenessByArea(SYSTEM_CALLER, force?.id as number, '2012-02-01')
      expect(
        early.every((area) => (area.rate ?? 0) < (areas.find((a) => a.area === area.area)?.rate ?? 0)),
      ).toBe(true)
      expect((await services.policies.reminders(SYSTEM_CALLER, force?.id)).length).toBeGreaterThan(0)
    }
  })
})
