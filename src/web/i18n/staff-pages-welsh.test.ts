import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import { crawl, routeMatcher } from '../../../test/support/crawl.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { buildForce, TEST_PASSWORD } from '../../../test/support/two-forces.js'
import { untranslated } from '../../../test/support/untranslated.js'
import { queryRows } from '../../db/connection.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { shippedFramework2011 } from '../../modules/frameworks/shipped.js'
import { createServices } from '../../services.js'
import { CATALOGUES } from './catalogue.js'

/**
 * A Welsh force's staff, each force role in turn, with Welsh chosen on their account: every page they
 * reach by links from the home page, with records in every register so that lists and records are not
 * empty, shows no English of the interface. What the pages show of the data (names, what people typed,
 * the reference data's names) is taken out first: it is everything stored that the force can see. The
 * failure lists the English found, by module and page; the same pages in English show English, so the
 * check cannot pass for want of looking.
 */

const CODE = 'gwent'
const MARKER = 'gwentmarker'
const ROLES = ['force-admin', 'force-caseworker', 'staff'] as const
const clock = () => new Date('2012-06-01T09:00:00Z')

let testApp: TestApp
let data: string[]
beforeAll(async () => {
  testApp = await createTestApp({
    now: clock,
    seeded: {
      name: 'welsh_force_staff',
      seed: async (db) => {
        const services = createServices(db, { now: clock })
        const force = await buildForce(services, CODE, MARKER)
        await services.users.linkStaffMember(SYSTEM_CALLER, force.users.staff.id, force.roster.staffMemberId)
        // An open inspection of the force, so that its self-assessment and data return have pages.
        const framework = await services.frameworks.loadFramework(SYSTEM_CALLER, shippedFramework2011())
        await services.inspections.create(SYSTEM_CALLER, {
          code: `${MARKER}-2012`,
          title: `${MARKER} revisit`,
          frameworkId: framework.id,
          dataFrom: '2011-09-01',
          dataTo: '2012-05-31',
          censusDate: '2012-05-31',
          fieldworkFrom: '2012-07-01',
          fieldworkTo: '2012-08-31',
          status: 'open',
          forces: [CODE],
        })
      },
    },
  })
  data = await storedData(testApp)
}, 120_000)
afterAll(() => testApp.close())

/** A stored value that is a word of the interface rather than data: a closed list's, or the catalogue's. */
const englishMessages = new Set(Object.values(CATALOGUES.en).filter((message) => typeof message === 'string'))
const isInterfaceWord = (value: string) =>
  CATALOGUES.en[`value.${value}`] !== undefined ||
  englishMessages.has(value) ||
  // A code (`in progress`, `self-employment`): the interface's to name, so never taken out as data.
  (/^[a-z][a-z0-9]*(?:[-_ ][a-z0-9]+)*$/.test(value) && !value.includes(MARKER))

/** Every string stored in a row the force can see (its own, and those of no force), in each table. */
async function storedData(app: TestApp): Promise<string[]> {
  const [force] = await queryRows<{ id: number }>(
    app.database.db,
    sql`select id from forces where code = ${CODE}`,
  )
  const tables = await queryRows<{ name: string }>(
    app.database.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  )
  const values = new Set<string>()
  // A code or reference (a force's `avon-and-somerset`) is data, though it looks like a closed list's value;
  // so is the forces' reference data (a force's name as recorded), though a Welsh release names it in Welsh.
  const collect = (value: unknown, column = '', reference = false): void => {
    if (typeof value === 'string') {
      const code = reference || /(^|_)(code|reference)$/.test(column)
      if (value.length >= 3 && value.length <= 2000 && (code || !isInterfaceWord(value))) values.add(value)
    } else if (Array.isArray(value)) for (const item of value) collect(item, column, reference)
    else if (value && typeof value === 'object')
      for (const [name, item] of Object.entries(value)) collect(item, name, reference)
  }
  for (const { name } of tables) {
    const rows = await queryRows<{ row: Record<string, unknown> }>(
      app.database.db,
      sql`select to_jsonb(t) as row from ${sql.identifier(name)} t`,
    )
    for (const { row } of rows)
      if (row.force_id === undefined || row.force_id === null || row.force_id === force?.id)
        collect(row, '', name === 'forces')
  }
  return [...values]
}

/**
 * The module each route belongs to: the one whose code registers the longest beginning of its address,
 * as a route's own literal (`app.get('/roster', …)`) or a constant it builds routes from
 * (`const LIST = '/gifts-hospitality'`).
 */
function moduleOfRoute(): (url: string) => string {
  const modules = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'modules')
  const literals: { literal: string; module: string }[] = []
  for (const module of fs.readdirSync(modules)) {
    const folder = path.join(modules, module)
    if (!fs.statSync(folder).isDirectory()) continue
    for (const file of fs.readdirSync(folder).filter((name) => /(?<!\.test)\.ts$/.test(name))) {
      const source = fs.readFileSync(path.join(folder, file), 'utf8')
      for (const [, literal = ''] of source.matchAll(/(?:app\.\w+\(\s*|const [A-Z_]+ = )['`](\/[\w:./-]*)/g))
        literals.push({ literal: literal.replace(/\/$/, ''), module })
    }
  }
  return (url) =>
    literals
      .filter(({ literal }) => url === literal || url.startsWith(`${literal}/`) || literal === '')
      .sort((a, b) => b.literal.length - a.literal.length)[0]?.module ?? 'home'
}

describe('a Welsh force’s staff’s pages in Welsh', () => {
  for (const role of ROLES) {
    it(`show no English of the interface to a ${role}, where the same pages in English do`, {
      timeout: 300_000,
    }, async () => {
      const agent = new Agent(testApp.app)
      await agent.signIn(`${role}.${MARKER}@${CODE}.example`, TEST_PASSWORD)
      // Chosen on their account, so no cookie or browser preference is needed.
      expect((await agent.post('/account/language', { language: 'cy' })).statusCode).toBe(303)

      const routes = testApp.app.routeTable
      const routeOf = routeMatcher(routes)
      const moduleOf = moduleOfRoute()
      const pages = new Map<string, string>()
      await crawl(agent, routes, '/', {
        visitsPerRoute: 3,
        // The header's switch to English is not a page of Welsh.
        follow: (link) => !/[?&]lang=/.test(link),
        onPage: (page, html) => pages.set(page, html),
      })
      expect(pages.size).toBeGreaterThan(5)

      const found: Record<string, Record<string, string[]>> = {}
      const notWelsh: string[] = []
      for (const [page, html] of pages) {
        if (!/<html lang="cy"/.test(html)) notWelsh.push(page)
        const english = untranslated(html, data)
        if (!english.length) continue
        const module = moduleOf(routeOf(page.split('?')[0] ?? page)?.url ?? page)
        found[module] = { ...found[module], [page]: english }
      }
      const byModule = Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)))

      // The same pages in English, one of each route: the check finds English on every one.
      expect((await agent.post('/account/language', { language: 'en' })).statusCode).toBe(303)
      const firstOfRoute = new Map<string, string>()
      for (const page of pages.keys()) {
        const url = routeOf(page.split('?')[0] ?? page)?.url ?? page
        if (!firstOfRoute.has(url)) firstOfRoute.set(url, page)
      }
      const silentInEnglish: string[] = []
      for (const page of firstOfRoute.values()) {
        const english = await agent.get(page)
        if (english.statusCode === 200 && !untranslated(english.body, data).length) silentInEnglish.push(page)
      }

      expect({ notWelsh, silentInEnglish, englishByModule: byModule }).toEqual({
        notWelsh: [],
        silentInEnglish: [],
        englishByModule: {},
      })
    })
  }
})
