import type { Database } from './db/connection.js'
import { SYSTEM_CALLER } from './domain/access.js'
import { londonInstant } from './modules/publication/embargo.js'
import { SettingsService } from './modules/settings/service.js'

/**
 * The day the demo's records are as at: after the last of them (the 2012 revisit's data and fieldwork,
 * the month its press releases came out), in the financial year of its gifts and media contacts, so
 * the dashboards' year-to-date panels show them and its documents are published on that day.
 */
export const DEMO_AS_AT = '2012-12-31'

/** The setting that holds the demo's as-at day; a database that holds it runs on the demo's clock. */
export const DEMO_AS_AT_SETTING = 'demo-as-at'

/**
 * The demo's clock: always its as-at day in England and Wales, with the time of day running as it does
 * there, so sessions, lockouts and the order of events behave through the day as they would.
 */
export function demoClock(asAt: string, realNow: () => Date = () => new Date()): () => Date {
  if (!londonInstant(asAt, '00:00'))
    throw new Error(`The demo's as-at day ${asAt} is not a date like 2012-12-31`)
  return () => {
    const now = realNow()
    // The wall clock's time in London (not the time since midnight, which a change of the clocks skews).
    const [hour, minute, second] = LONDON_TIME.format(now).split(':')
    const instant = londonInstant(asAt, `${hour}:${minute}`) as Date
    return new Date(instant.getTime() + Number(second) * 1000 + now.getMilliseconds())
  }
}

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

export interface ServiceClock {
  now: () => Date
  /** The demo's as-at day (2012-12-31), shown on every page; null on the real clock. */
  demoAsAt: string | null
}

/**
 * The clock the services of a database read: the demo's when the database holds the demo dataset (a
 * demo start records the setting before it seeds, so the demo's records are entered on its clock too),
 * the real one otherwise and always in production.
 */
export async function serviceClock(
  db: Database,
  options: { demo: boolean; production: boolean; realNow?: () => Date },
): Promise<ServiceClock> {
  const realNow = options.realNow ?? (() => new Date())
  if (options.production) return { now: realNow, demoAsAt: null }
  const settings = new SettingsService(db, realNow)
  let asAt = await settings.get(SYSTEM_CALLER, DEMO_AS_AT_SETTING)
  if (asAt === undefined && options.demo) {
    await settings.set(SYSTEM_CALLER, DEMO_AS_AT_SETTING, DEMO_AS_AT)
    asAt = DEMO_AS_AT
  }
  if (typeof asAt !== 'string') return { now: realNow, demoAsAt: null }
  return { now: demoClock(asAt, realNow), demoAsAt: asAt }
}
