import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, DEMO_USERS } from '../src/demo-data.js'
import { hasRole, ROLES, type Role } from '../src/domain/roles.js'
import { Agent } from './support/agent.js'
import { crawl, isPage, mayOpen } from './support/crawl.js'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from './support/demo-app.js'
import type { TestApp } from './support/test-app.js'

const visitor = 'visitor' as const

/**
 * Every page is reachable by following links from the home page: signed in as each role of the demo,
 * follow same-origin links from `/` and fail on any page route the role may open but no link reaches,
 * on any link that is broken or refused, and on any empty breadcrumb.
 */

/** Page routes no link reaches, for anyone, and why. */
const NOT_LINKED_FOR_ANYONE: Record<string, string> = {
  '/sign-in/oidc/:provider':
    'linked from the sign-in page for each identity provider configured; the demo configures none',
  '/sign-in/oidc/:provider/callback': 'the identity provider sends people back here; no page links to it',
}

/** Page routes no link reaches, for anyone signed in, and why. */
const NOT_LINKED_FOR_PEOPLE_SIGNED_IN: Record<string, string> = {
  ...NOT_LINKED_FOR_ANYONE,
  '/sign-in': 'people signed in are not offered it again (it sends them on); visitors have it in the header',
  '/sign-in/second-factor':
    'asked for during sign-in, after the password, of people with an authenticator app; none of the demo’s people has one',
}

/** Page routes a role may open but that no link of the demo leads that role to, and why. */
const NOT_LINKED_FOR: Partial<Record<Role, Record<string, string>>> = {
  'force-caseworker': {
    '/business-interests/:businessInterestId/appeal':
      'linked from one’s own refused or conditional application on “Your second jobs”; the demo’s caseworkers and administrators have none (its officer does)',
  },
  'force-admin': {
    '/policies/versions/:versionId/questions/:index/remove':
      'linked from each question of a draft version; the demo’s policy versions are published',
    '/self-assessments/sign-off/delegations/:delegationId/revoke':
      'linked from a delegation still to end on “Who can sign off”; the demo records no delegation',
  },
  researcher: {
    '/research/:exerciseCode/profiles/:researchProfileId/refer':
      'linked from “Refer confirmed instances” for each profile with confirmed instances; the demo’s flagged posts still wait for review',
  },
  inspector: {
    '/inspections/:inspectionId/forces/:forceCode/self-assessment/areas/:areaCode':
      'the force’s form for an area; the inspectorate reads every answer on the self-assessment page, where the area page sends it',
    '/document-imports/:documentId': 'linked from the document imports page; the demo imports no documents',
  },
  'inspectorate-admin': Object.fromEntries([
    [
      '/admin/notifications/:messageId',
      'linked from each email on the outbox page; the demo runs no notifications worker, so its outbox is empty',
    ],
    [
      '/publications/templates/:kind/reset',
      'linked from a template once it is edited; the demo’s templates are the defaults',
    ],
    ...[
      'details',
      'areas/new',
      'areas/:itemId',
      'questions/new',
      'questions/:itemId',
      'recommendations/new',
      'recommendations/:itemId',
      'areas/:itemId/delete',
      'questions/:itemId/delete',
      'recommendations/:itemId/delete',
    ].map((page) => [
      `/frameworks/:frameworkId/${page}`,
      'only a draft framework changes, and its page links here; the demo’s frameworks are published',
    ]),
  ]),
}

/** The exceptions that apply to a role: its own and those of the roles it includes. */
function exceptionsFor(role: Role | typeof visitor): Record<string, string> {
  if (role === visitor) return { ...NOT_LINKED_FOR_ANYONE }
  const included = ROLES.filter((other) => hasRole(role, other))
  return Object.assign(
    { ...NOT_LINKED_FOR_PEOPLE_SIGNED_IN },
    ...included.map((other) => NOT_LINKED_FOR[other]),
  )
}

let testApp: TestApp
beforeAll(async () => {
  testApp = await createDemoTestApp()
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => testApp.close())

describe('every page is reachable by links from the home page', () => {
  for (const role of [...ROLES, visitor]) {
    it(`for a ${role}`, { timeout: 300_000 }, async () => {
      const agent = new Agent(testApp.app)
      if (role !== visitor) {
        const user = DEMO_USERS.find((candidate) => candidate.role === role)
        if (!user) throw new Error(`the demo has no ${role}`)
        await agent.signIn(user.email, DEMO_PASSWORD)
      }
      const routes = testApp.app.routeTable
      const { reached, problems } = await crawl(agent, routes)
      const excused = exceptionsFor(role)
      const pages = routes.filter(
        (route) => isPage(route) && mayOpen(route, role === visitor ? undefined : role),
      )
      const unreached = pages
        .map((route) => route.url)
        .filter((url) => !reached.has(url) && !(url in excused))
      // An exception that no longer holds is taken off the list, so the list stays true.
      const reachedAfterAll = Object.keys(excused).filter(
        (url) => reached.has(url) && pages.some((page) => page.url === url),
      )
      expect({ unreached: [...new Set(unreached)], problems, reachedAfterAll }).toEqual({
        unreached: [],
        problems: [],
        reachedAfterAll: [],
      })
    })
  }
})
