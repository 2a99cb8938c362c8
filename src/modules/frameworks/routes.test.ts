import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, dateInputFields, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { pageText } from '../roster/test-support.js'

let testApp: TestApp
let cast: TwoForces
let admin: Agent
let forceAdmin: Agent

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-06-01T10:00:00Z') }))
  admin = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  forceAdmin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
})
afterAll(() => testApp.close())

const recommendation = (dueDate: [string, string, string]) => ({
  code: 'R99',
  text: 'Publish every gift declared',
  scope: 'national',
  addressee: 'Chief constables',
  ...dateInputFields('dueDate', ...dueDate),
})

describe('changing a draft framework', () => {
  let draftUrl: string

  it('says a new draft version was made with a banner, not in the address', async () => {
    const made = await admin.post(`/frameworks/${cast.inspection.frameworkId}/new-version`)
    expect(made.statusCode).toBe(303)
    draftUrl = String(made.headers.location)
    expect(draftUrl).toMatch(/^\/frameworks\/[0-9a-f-]{36}$/)
    expect(pageText((await admin.get(draftUrl)).body)).toContain(
      'New draft version made: change it, then publish it',
    )
    expect(pageText((await admin.get(draftUrl)).body)).not.toContain('New draft version made')
  })

  it('asks for a recommendation’s due date with a date input and refuses a wrong one, saving nothing', async () => {
    const form = await admin.get(`${draftUrl}/recommendations/new`)
    expect(form.body).toContain('name="dueDate-month"')
    expect(form.body).not.toContain('2012-05-31')
    const wrong = await admin.post(`${draftUrl}/recommendations/new`, recommendation(['31', '2', '2013']))
    expect(wrong.statusCode).toBe(400)
    expect(pageText(wrong.body)).toContain('Due date must be a real date')
    expect(wrong.body).toContain('href="#dueDate"')
    expect(wrong.body).toMatch(/id="dueDate-month" name="dueDate-month" type="text" value="2"/)
    const partial = await admin.post(`${draftUrl}/recommendations/new`, recommendation(['', '5', '2013']))
    expect(pageText(partial.body)).toContain('Due date must include a day')
    expect(pageText((await admin.get(draftUrl)).body)).not.toContain('R99')

    const added = await admin.post(`${draftUrl}/recommendations/new`, recommendation(['31', '5', '2013']))
    expect(added.statusCode).toBe(303)
    const page = pageText((await admin.get(String(added.headers.location))).body)
    expect(page).toContain('Recommendation added')
    expect(page).toMatch(/R99 Publish every gift declared All National Chief constables 31 May 2013/)
  })

  it('shows the stored due date in the date input, and asks before removing the recommendation', async () => {
    const detail = await testApp.services.frameworks.get(SYSTEM_CALLER, draftUrl.split('/').pop() as string)
    const itemUrl = `${draftUrl}/recommendations/${detail.recommendations.find((r) => r.code === 'R99')?.id}`
    const edit = await admin.get(itemUrl)
    expect(edit.body).toMatch(/id="dueDate" name="dueDate-day" type="text" value="31"/)
    expect(edit.body).toContain(`href="${itemUrl}/delete"`)
    expect(edit.body).not.toContain('govuk-button--warning')

    const ask = await admin.get(`${itemUrl}/delete`)
    expect(ask.statusCode).toBe(200)
    expect(pageText(ask.body)).toContain(
      'Are you sure you want to remove recommendation R99: Publish every gift declared?',
    )
    expect(ask.body).toContain(`action="${itemUrl}/delete"`)
    expect(ask.body).toContain(`href="${itemUrl}"`)
    expect((await forceAdmin.get(`${itemUrl}/delete`)).statusCode).toBe(403)
    expect(pageText((await admin.get(draftUrl)).body)).toContain('R99')

    const removed = await admin.post(`${itemUrl}/delete`)
    expect(removed.statusCode).toBe(303)
    const page = pageText((await admin.get(String(removed.headers.location))).body)
    expect(page).toContain('Recommendation removed')
    expect(page).not.toContain('R99')
  })

  it('confirms mappings added and removed, asking before removing one', async () => {
    const empty = await admin.get(`${draftUrl}/mappings`)
    const mappingIds = [...empty.body.matchAll(/mappings\/([0-9a-f-]{36})\/delete/g)].map((m) => m[1])
    expect(mappingIds.length).toBeGreaterThan(0)
    const ask = await admin.get(`${draftUrl}/mappings/${mappingIds[0]}/delete`)
    expect(ask.statusCode).toBe(200)
    expect(pageText(ask.body)).toMatch(/Are you sure you want to remove the mapping of \w+ \S+ to \S+\?/)
    const removed = await admin.post(`${draftUrl}/mappings/${mappingIds[0]}/delete`)
    expect(removed.statusCode).toBe(303)
    const after = await admin.get(String(removed.headers.location))
    expect(pageText(after.body)).toContain('Mapping removed')
    expect(after.body).not.toContain(`mappings/${mappingIds[0]}/delete`)

    const auto = await admin.post(`${draftUrl}/mappings/auto`)
    expect(auto.statusCode).toBe(303)
    expect(pageText((await admin.get(String(auto.headers.location))).body)).toContain('1 mapping added')
  })

  it('confirms the version published', async () => {
    const published = await admin.post(`${draftUrl}/publish`)
    expect(published.statusCode).toBe(303)
    expect(published.headers.location).toBe(draftUrl)
    expect(pageText((await admin.get(draftUrl)).body)).toContain('Framework published')
  })
})
