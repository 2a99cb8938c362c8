import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../test/support/agent.js'
import { breadcrumbsOf } from '../../test/support/pages.js'
import type { TestApp } from '../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../test/support/two-forces.js'
import { type Principal, SYSTEM_CALLER } from '../domain/access.js'
import { hasRole, ROLES } from '../domain/roles.js'
import { headerNavigation, homeSections, NAVIGATION } from './navigation.js'

let testApp: TestApp
let cast: TwoForces
beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
})
afterAll(() => testApp.close())

const principalOf = (role: Principal['role']): Principal => ({
  kind: 'user',
  id: 'someone',
  label: 'Someone',
  role,
  forceId: role.startsWith('force') || role === 'staff' ? 1 : null,
  staffMemberId: null,
})

/** The header's links as text, with the current one marked as the page says it (aria-current). */
function headerOf(html: string): string[] {
  const list = html.match(/<ul class="govuk-service-navigation__list"[\s\S]*?<\/ul>/)?.[0] ?? ''
  return [
    ...list.matchAll(/<a class="govuk-service-navigation__link" href="([^"]+)"([^>]*)>([\s\S]*?)<\/a>/g),
  ].map(
    ([, href, attributes, text]) =>
      `${text?.replace(/<[^>]+>/g, '').trim()} ${href}${attributes?.includes('aria-current') ? ` ${attributes.trim()}` : ''}`,
  )
}

describe('the navigation model', () => {
  it('links every role only to pages in the route table that the role may open', () => {
    const pages = testApp.app.routeTable.filter((route) => route.method === 'GET')
    for (const role of [...ROLES, 'visitor'] as const) {
      const links = [
        ...headerNavigation('/', role === 'visitor' ? undefined : principalOf(role)),
        ...homeSections(role === 'visitor' ? undefined : principalOf(role)).flatMap(
          (section) => section.links,
        ),
      ]
      for (const { href } of links) {
        const route = pages.find((page) => page.url === href)
        expect(route, `${role}: ${href}`).toBeDefined()
        const access = route?.access
        const allowed =
          access === 'public' ||
          (access === 'signed-in' && role !== 'visitor') ||
          (Array.isArray(access) && role !== 'visitor' && access.some((wanted) => hasRole(role, wanted)))
        expect(allowed, `${role} may open ${href}`).toBe(true)
      }
    }
  })

  it('lists on the home page every area the header shows', () => {
    for (const [role, { header, home }] of Object.entries(NAVIGATION)) {
      const listed = Object.values(home).flat()
      for (const area of header) expect(listed, `${role}: ${area}`).toContain(area)
    }
  })

  it('gives caseworkers the registers and not their own records in the header, marking the current area', async () => {
    const caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    const page = await caseworker.get('/gifts-hospitality')
    expect(headerOf(page.body)).toEqual([
      'Dashboard /dashboard',
      'Second jobs /business-interests',
      'Gifts and hospitality /gifts-hospitality aria-current="page"',
      'Media contacts /media-contacts',
      'Cases /cases',
      'Roster /roster',
      'Anti-corruption unit /acu-staffing',
      'Policies /policies',
      'Inspections /inspections',
    ])
    // A page inside an area marks the area, but not as the page itself.
    const record = await caseworker.get(`/gifts-hospitality/${cast.alpha.gifts.giftId}`)
    expect(headerOf(record.body)).toContain('Gifts and hospitality /gifts-hospitality aria-current="true"')
    // Their own records are one link away on the home page.
    const home = await caseworker.get('/')
    expect(home.body).toContain('<a class="govuk-link" href="/gifts-hospitality/mine">Your declarations</a>')
    expect(headerOf(home.body).join()).not.toContain('/mine')
  })

  it('gives members of staff their own records, researchers desk research, visitors what is published', async () => {
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    expect(headerOf((await staff.get('/business-interests/apply')).body)).toEqual([
      'Your second jobs /business-interests/mine aria-current="true"',
      'Your declarations /gifts-hospitality/mine',
      'Your media contacts /media-contacts/mine',
      'Your policies /policies/mine',
      'Publications /publications',
    ])
    expect(headerOf((await new Agent(testApp.app).get('/forces/kent')).body)).toEqual([
      'Publications /publications',
      'Forces /forces aria-current="true"',
      'API /api/docs',
    ])
    const researcher = headerNavigation('/research', principalOf('researcher'))
    expect(researcher[0]).toMatchObject({ text: 'Desk research', current: true })
  })

  it('puts the account link in the header bar: sign in for visitors, your account for people signed in', async () => {
    const visitor = await new Agent(testApp.app).get('/')
    expect(visitor.body).toMatch(/app-header__account[\s\S]*?href="\/sign-in">Sign in</)
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    expect((await staff.get('/account')).body).toMatch(
      /app-header__account[\s\S]*?href="\/account" aria-current="page">Your account</,
    )
  })

  it('shows the publication pages’ breadcrumbs as links, none empty', async () => {
    const admin = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    const version = await admin.get(`/publications/${cast.alphaPublication.versionId}`)
    expect(breadcrumbsOf(version.body)).toEqual(['Publications', 'Inspection documents'])
    const manage = await admin.get(`/publications/inspections/${cast.inspection.id}/manage`)
    expect(breadcrumbsOf(manage.body)).toEqual(['Inspections', 'Two forces revisit'])
  })

  it('shows researchers no register buttons they cannot use, and a refusal that says why with a way back', async () => {
    await testApp.services.users.create(SYSTEM_CALLER, {
      email: 'researcher@inspectorate.example',
      name: 'Rhys Researcher',
      role: 'researcher',
      password: TEST_PASSWORD,
    })
    const researcher = await signedInAgent(testApp.app, 'researcher@inspectorate.example')
    const list = await researcher.get('/business-interests')
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain('href="/business-interests/record"')
    expect(list.body).not.toContain('href="/business-interests/import"')
    const refused = await researcher.get('/business-interests/record', {
      headers: {
        referer: 'http://probity.test:3000/business-interests?status=submitted',
        host: 'probity.test:3000',
      },
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.body).toContain(
      'Only force administrators and caseworkers can use this. You are signed in as a researcher.',
    )
    expect(refused.body).toContain(
      'href="/business-interests?status=submitted">Go back to the page you were on</a>',
    )
    // A referrer elsewhere is no way back.
    const elsewhere = await researcher.get('/business-interests/record', {
      headers: { referer: 'https://example.com/x' },
    })
    expect(elsewhere.body).not.toContain('Go back to the page you were on')
  })
})
