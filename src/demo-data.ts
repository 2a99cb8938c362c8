import { SYSTEM_CALLER } from './domain/access.js'
import type { Role } from './domain/roles.js'
import { seedDemoPatterns } from './modules/alerts/demo.js'
import { seedDemoBusinessInterests } from './modules/business-interests/demo.js'
import { seedDemoReports } from './modules/confidential-reports/demo.js'
import { seedDemoDataReturns } from './modules/data-returns/demo.js'
import { seedDemoResearch } from './modules/desk-research/demo.js'
import { seedDemoMonitoring } from './modules/escalation/demo.js'
import { seedDemoFieldwork } from './modules/fieldwork/demo.js'
import { seedDemoGifts } from './modules/gifts-hospitality/demo.js'
import { seedDemoInspections } from './modules/inspections/demo.js'
import { seedDemoCases } from './modules/integrity-cases/demo.js'
import { seedDemoMediaContacts } from './modules/media-contacts/demo.js'
import { seedDemoNotifications } from './modules/notifications/demo.js'
import { seedDemoPolicies } from './modules/policies/demo.js'
import { seedDemoPublications } from './modules/publication/demo.js'
import { linkDemoUser, seedDemoRoster } from './modules/roster/demo.js'
import { seedDemoSurveys } from './modules/surveys/demo.js'
import type { Services } from './services.js'

/** Everyone in the demo signs in with this; `seed --demo` refuses to run in production. */
export const DEMO_PASSWORD = 'probity-demo-2012'

interface DemoUser {
  email: string
  name: string
  role: Role
  forceCode?: string
}

/** Two forces the 2012 press releases cover, each with one person per force role, and the inspectorate. */
export const DEMO_USERS: DemoUser[] = [
  { email: 'admin@inspectorate.example', name: 'Isla Inspectorate-Admin', role: 'inspectorate-admin' },
  { email: 'inspector@inspectorate.example', name: 'Ian Inspector', role: 'inspector' },
  { email: 'lead.inspector@inspectorate.example', name: 'Lena Lead-Inspector', role: 'inspector' },
  { email: 'researcher@inspectorate.example', name: 'Rhys Researcher', role: 'researcher' },
  {
    email: 'psd.head@cheshire.example',
    name: 'Chris Cheshire-Admin',
    role: 'force-admin',
    forceCode: 'cheshire',
  },
  {
    email: 'caseworker@cheshire.example',
    name: 'Carla Cheshire-Caseworker',
    role: 'force-caseworker',
    forceCode: 'cheshire',
  },
  { email: 'officer@cheshire.example', name: 'Sam Cheshire-Staff', role: 'staff', forceCode: 'cheshire' },
  {
    email: 'psd.head@cleveland.example',
    name: 'Clare Cleveland-Admin',
    role: 'force-admin',
    forceCode: 'cleveland',
  },
  {
    email: 'caseworker@cleveland.example',
    name: 'Colin Cleveland-Caseworker',
    role: 'force-caseworker',
    forceCode: 'cleveland',
  },
  { email: 'officer@cleveland.example', name: 'Sid Cleveland-Staff', role: 'staff', forceCode: 'cleveland' },
]

/** The setting that records that the demo dataset has been entered (migration 0024 uses the same name). */
const DEMO_DATASET_ENTERED = 'demo-dataset-entered'

/**
 * Adds the demo dataset, once, and marks it as entered: a later run (every `serve --demo`) changes
 * nothing, whatever people have done with the demo's records since — a correction drafted, a comment
 * pending. Each module's demo rows go through its own service, so they are validated and audited like
 * anything a person enters. A run cut short is not marked: the next one completes it, each module's
 * step adding only what is missing.
 */
export async function seedDemoData(services: Services): Promise<{ added: number }> {
  if ((await services.settings.get(SYSTEM_CALLER, DEMO_DATASET_ENTERED)) !== undefined) return { added: 0 }
  const existing = new Set((await services.users.list(SYSTEM_CALLER)).map((user) => user.email.toLowerCase()))
  let added = 0
  await seedDemoRoster(services)
  await seedDemoGifts(services)
  await seedDemoMediaContacts(services)
  for (const user of DEMO_USERS) {
    if (existing.has(user.email)) continue
    const { user: created } = await services.users.create(SYSTEM_CALLER, { ...user, password: DEMO_PASSWORD })
    await linkDemoUser(services, created)
    added++
  }
  await seedDemoBusinessInterests(services)
  await seedDemoCases(services)
  await seedDemoPatterns(services)
  await seedDemoReports(services)
  await seedDemoPolicies(services)
  await seedDemoInspections(services)
  await seedDemoDataReturns(services)
  await seedDemoFieldwork(services)
  // The research and the surveys before the publications: the national review quotes them.
  await seedDemoResearch(services)
  await seedDemoSurveys(services)
  await seedDemoPublications(services)
  await seedDemoMonitoring(services)
  // Last: it hands out the events every step above recorded.
  await seedDemoNotifications(services)
  await services.settings.set(SYSTEM_CALLER, DEMO_DATASET_ENTERED, true)
  return { added }
}
