import { DEMO_AS_AT, demoClock } from '../../src/demo-clock.js'
import { seedDemoData } from '../../src/demo-data.js'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import { REVISIT_2012 } from '../../src/modules/inspections/demo.js'
import { createServices } from '../../src/services.js'
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.js'

/**
 * The clocks tests run the demo on: its own (as `npm start` serves it), and the day the 2012 revisit
 * was published, the date its press releases bear. Each costs a seeding of the whole demo a run.
 */
const DEMO_CLOCKS = {
  revisit_published: { now: () => new Date('2012-12-11T09:00:00Z') },
  as_at: { now: demoClock(DEMO_AS_AT), demoAsAt: DEMO_AS_AT },
} satisfies Record<string, TestAppOptions>

export type DemoClock = keyof typeof DEMO_CLOCKS

/** Long enough for a hook that starts a demo app to seed the whole demo, or to wait for the file seeding it. */
export const DEMO_APP_TIMEOUT_MS = 300_000

/**
 * The test app on one of those clocks, over a copy of the demo dataset seeded on it. The whole demo
 * takes seconds to seed, so each clock's is seeded once a run, by the first file that wants it.
 */
export function createDemoTestApp(clock: DemoClock = 'as_at'): Promise<TestApp> {
  const options = DEMO_CLOCKS[clock]
  return createTestApp({
    ...options,
    seeded: {
      name: `demo_${clock}`,
      seed: async (db) => {
        await seedDemoData(createServices(db, options))
      },
    },
  })
}

/** The test app with the demo dataset, on the day the 2012 revisit was published, and the revisit's id. */
export async function createDemoApp(): Promise<{ testApp: TestApp; revisitId: string }> {
  const testApp = await createDemoTestApp('revisit_published')
  const revisit = await testApp.services.inspections.findByCode(SYSTEM_CALLER, REVISIT_2012)
  if (!revisit) throw new Error('the demo made no 2012 revisit')
  return { testApp, revisitId: revisit.id }
}
