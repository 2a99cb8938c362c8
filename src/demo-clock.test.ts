import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../test/support/agent.js'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../test/support/demo-app.js'
import { createTestApp, type TestApp } from '../test/support/test-app.js'
import { DEMO_AS_AT, DEMO_AS_AT_SETTING, demoClock, serviceClock } from './demo-clock.js'
import { DEMO_PASSWORD } from './demo-data.js'
import { SYSTEM_CALLER } from './domain/access.js'
import { londonToday } from './domain/fields.js'

/** The time of day in England and Wales, as 14:25. */
const londonTime = (instant: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeStyle: 'short' }).format(instant)

describe('the demo clock', () => {
  it('is always the as-at day in England and Wales, with the time of day running there', () => {
    // A winter afternoon (GMT), a summer night just after midnight (BST), and the days the clocks change.
    for (const real of [
      '2026-12-03T14:25:10Z',
      '2026-07-01T23:30:00Z',
      '2031-03-30T00:59:59Z',
      '2026-10-25T23:30:00Z',
    ]) {
      const now = demoClock(DEMO_AS_AT, () => new Date(real))()
      expect(londonToday(now)).toBe(DEMO_AS_AT)
      expect(londonTime(now)).toBe(londonTime(new Date(real)))
    }
  })
})

describe('the clock of a database', () => {
  let testApp: TestApp
  const real = new Date('2026-12-03T14:25:10Z')
  const realNow = () => real
  beforeAll(async () => {
    testApp = await createTestApp()
  })
  afterAll(() => testApp.close())

  it('is the real one until a demo start records the as-at day; then every start reads it, except in production', async () => {
    const db = testApp.database.db
    const before = await serviceClock(db, { demo: false, production: false, realNow })
    expect(before.demoAsAt).toBeNull()
    expect(before.now()).toBe(real)
    const demo = await serviceClock(db, { demo: true, production: false, realNow })
    expect(demo.demoAsAt).toBe(DEMO_AS_AT)
    expect(londonToday(demo.now())).toBe(DEMO_AS_AT)
    expect(await testApp.services.settings.get(SYSTEM_CALLER, DEMO_AS_AT_SETTING)).toBe(DEMO_AS_AT)
    // A later start without --demo, and the command line, run on the demo's clock too.
    const later = await serviceClock(db, { demo: false, production: false, realNow })
    expect(londonToday(later.now())).toBe(DEMO_AS_AT)
    const production = await serviceClock(db, { demo: false, production: true, realNow })
    expect(production).toEqual({ now: realNow, demoAsAt: null })
  })
})

describe('the demo on its clock', () => {
  let testApp: TestApp
  beforeAll(async () => {
    testApp = await createDemoTestApp('as_at')
  }, DEMO_APP_TIMEOUT_MS)

  afterAll(() => testApp.close())

  it('shows the demo’s gifts and media contacts on the dashboard: its financial year is the data’s', async () => {
    const caseworker = await signedInAgent(testApp.app, 'caseworker@cheshire.example', DEMO_PASSWORD)
    const page = await caseworker.get('/dashboard')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Demo data as at 31 December 2012')
    const cheshire = await testApp.services.forceDashboard.dashboard(SYSTEM_CALLER, 'cheshire')
    if (!cheshire) throw new Error('no dashboard for Cheshire')
    expect(cheshire.asAt).toBe(DEMO_AS_AT)
    expect(cheshire.financialYear.from).toBe('2012-04-01')
    expect(cheshire.giftsHospitality.offered).toBeGreaterThan(0)
    expect(cheshire.mediaContacts.contacts).toBeGreaterThan(0)
  })

  it('publishes the 2012 documents on the demo’s day, and says so on every page', async () => {
    const anonymous = new Agent(testApp.app)
    const list = await anonymous.get('/publications')
    expect(list.body).toContain('Demo data as at 31 December 2012')
    const link = /href="\/publications\/([0-9a-f-]{36})"/.exec(list.body)?.[1]
    if (!link) throw new Error('the demo published nothing')
    const document = await anonymous.get(`/publications/${link}`)
    expect(document.statusCode).toBe(200)
    expect(document.body).toContain('31 December 2012')
    expect(document.body).not.toMatch(/20(1[3-9]|[2-9]\d)<\/dd>/)
  })
})
