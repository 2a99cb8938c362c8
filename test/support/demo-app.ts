import { seedDemoData } from '../../src/demo-data.js'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import { REVISIT_2012 } from '../../src/modules/inspections/demo.js'
import { createTestApp, type TestApp } from './test-app.js'

/** The test app with the demo dataset, on the day the 2012 revisit was published, and the revisit's id. */
export async function createDemoApp(): Promise<{ testApp: TestApp; revisitId: string }> {
  const testApp = await createTestApp({ now: () => new Date('2012-12-11T09:00:00Z') })
  await seedDemoData(testApp.services)
  const revisit = await testApp.services.inspections.findByCode(SYSTEM_CALLER, REVISIT_2012)
  if (!revisit) throw new Error('the demo made no 2012 revisit')
  return { testApp, revisitId: revisit.id }
}
