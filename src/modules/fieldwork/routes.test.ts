import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import { buildFieldworkCast, type FieldworkCast } from '../../../test/support/fieldwork-cast.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'

let testApp: TestApp
let cast: TwoForces
let fw: FieldworkCast
let lead: Agent
let second: Agent
let caseworker: Agent
let forceAdmin: Agent
let page: string
let recommendations: string

async function signIn(email: string) {
  const agent = new Agent(testApp.app)
  await agent.signIn(email, TEST_PASSWORD)
  return agent
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-07-10T09:00:00Z') }))
  fw = await buildFieldworkCast(testApp.services, cast)
  lead = await signIn(fw.lead.email)
  second = await signIn(fw.second.email)
  caseworker = await signIn(cast.alpha.users['force-caseworker'].email)
  forceAdmin = await signIn(cast.alpha.users['force-admin'].email)
  page = `/inspections/${fw.revisit.id}/forces/cheshire/fieldwork`
  recommendations = `/inspections/${fw.revisit.id}/forces/cheshire/recommendations`
})
afterAll(() => testApp.close())

const location = (response: { headers: Record<string, unknown> }) => String(response.headers.location)

describe('the fieldwork pages', () => {
  it('adds notes and findings through forms, with errors shown against the right field', async () => {
    const first = await lead.get(page)
    expect(first.statusCode).toBe(200)
    expect(first.body).toContain('Relationships with the media')
    expect(first.body).toContain('No judgement has been proposed yet')

    const blank = await lead.post(`${page}/notes`, { area: 'gifts', note: '' })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('govuk-error-summary')
    expect(blank.body).toContain('href="#note-gifts"')

    const added = await lead.post(`${page}/notes`, { area: 'gifts', note: 'Register sampled: 20 entries' })
    expect(added.statusCode).toBe(303)
    expect(location(added)).toBe(`${page}#area-gifts`)
    const after = await lead.get(page)
    expect(after.body).toContain('Evidence note added')
    // The banner says it once.
    expect((await lead.get(page)).body).not.toContain('Evidence note added')
    expect(after.body).toContain('Register sampled: 20 entries')
    expect(after.body).toContain('Lena Lead-Inspector')

    const badKind = await lead.post(`${page}/findings`, { area: 'media', kind: '', text: 'x' })
    expect(badKind.statusCode).toBe(400)
    expect(badKind.body).toContain('href="#kind-media"')
    for (const text of ['Clear media policy', 'Press officers untrained'])
      expect(
        (await lead.post(`${page}/findings`, { area: 'media', kind: 'strength', text })).statusCode,
      ).toBe(303)
    const { areas } = await testApp.services.fieldwork.fieldwork(fw.lead.caller, fw.revisit.id, 'cheshire')
    const [clear, untrained] = areas[0]?.findings ?? []
    if (!clear || !untrained) throw new Error('findings missing')

    const edit = await lead.get(`${page}/findings/${untrained.id}`)
    expect(edit.statusCode).toBe(200)
    expect(edit.body).toContain('Press officers untrained')
    const badEdit = await lead.post(`${page}/findings/${untrained.id}`, { kind: 'strength', text: '' })
    expect(badEdit.statusCode).toBe(400)
    expect(badEdit.body).toContain('href="#text"')
    const saved = await lead.post(`${page}/findings/${untrained.id}`, {
      kind: 'area for improvement',
      text: 'Press officers not yet trained',
    })
    expect(location(saved)).toBe(`${page}#area-media`)
    expect((await lead.get(page)).body).toContain('Finding changed')
    const moved = await lead.post(`${page}/findings/${untrained.id}/move`, { area: 'media', direction: 'up' })
    expect(location(moved)).toBe(`${page}#area-media`)
    const reordered = await lead.get(page)
    expect(reordered.body).toContain('Finding moved')
    expect(reordered.body.indexOf('Press officers not yet trained')).toBeLessThan(
      reordered.body.indexOf('Clear media policy'),
    )
    // Deleting asks first, on a page of its own linked from the finding's page.
    expect((await lead.get(`${page}/findings/${clear.id}`)).body).toContain(
      `href="${page}/findings/${clear.id}/delete"`,
    )
    const ask = await lead.get(`${page}/findings/${clear.id}/delete`)
    expect(ask.statusCode).toBe(200)
    expect(ask.body).toContain('Are you sure you want to delete this finding?')
    expect(ask.body).toContain('Strength: Clear media policy')
    expect(ask.body).toContain(`action="${page}/findings/${clear.id}/delete"`)
    expect((await caseworker.get(`${page}/findings/${clear.id}/delete`)).statusCode).toBe(403)
    expect((await lead.get(page)).body).toContain('Clear media policy')
    const deleted = await lead.post(`${page}/findings/${clear.id}/delete`, {})
    expect(location(deleted)).toBe(`${page}#area-media`)
    const afterDelete = (await lead.get(page)).body
    expect(afterDelete).toContain('Finding deleted')
    expect(afterDelete).not.toContain('Clear media policy')
    expect((await lead.get(`${page}/findings/${clear.id}`)).statusCode).toBe(404)
  })

  it('moderates the headline judgement between two inspectors', async () => {
    const offScale = await lead.post(`${page}/judgement`, { judgement: 'excellent', rationale: 'x' })
    expect(offScale.statusCode).toBe(400)
    expect(offScale.body).toContain('href="#judgement"')
    const proposed = await lead.post(`${page}/judgement`, {
      judgement: 'improvements',
      rationale: 'Policies updated; staff awareness still low',
    })
    expect(location(proposed)).toBe(`${page}#judgement-section`)
    const own = await lead.get(page)
    expect(own.body).toContain('Judgement proposed: another inspector must confirm it')
    expect(own.body).toContain('You proposed this judgement')
    expect(own.body).not.toContain('Confirm judgement')
    const selfConfirm = await lead.post(`${page}/judgement/confirm`, {})
    expect(selfConfirm.statusCode).toBe(400)
    expect(selfConfirm.body).toContain('another inspector must confirm it')
    expect(selfConfirm.body).toContain('href="#judgement-section"')

    const other = await second.get(page)
    expect(other.body).toContain('Confirm judgement')
    expect(other.body).toContain('Return judgement')
    const confirmed = await second.post(`${page}/judgement/confirm`, { note: 'Agreed' })
    expect(confirmed.statusCode).toBe(303)
    const shown = await lead.get(page)
    expect(shown.body).toContain('Confirmed by')
    expect(shown.body).toContain('Sean Second-Inspector')
    expect(shown.body).toContain('Reopen the judgement')
    const overview = await testApp.services.fieldwork.judgementsFor(fw.lead.caller, fw.revisit.id)
    expect([...overview.values()]).toEqual([{ judgement: 'improvements', status: 'confirmed' }])

    const api = await lead.get(`/api${page}`)
    expect(api.statusCode).toBe(200)
    expect(api.json()).toMatchObject({
      force: { code: 'cheshire' },
      judgement: {
        judgement: 'improvements',
        status: 'confirmed',
        proposedBy: expect.stringContaining('Lena Lead-Inspector'),
      },
      areas: [{ code: 'media', findings: [{ kind: 'area for improvement' }] }, { code: 'gifts' }],
    })
  })

  it('is refused to force users and their tokens', async () => {
    expect((await forceAdmin.get(page)).statusCode).toBe(403)
    expect((await caseworker.post(`${page}/notes`, { area: 'media', note: 'x' })).statusCode).toBe(403)
    const token = await testApp.app.inject({
      method: 'GET',
      url: `/api${page}`,
      headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
    })
    expect(token.statusCode).toBe(403)
  })
})

describe('the recommendation progress pages', () => {
  it('lets the force record self-reported progress and an inspector verify it', async () => {
    const first = await caseworker.get(recommendations)
    expect(first.statusCode).toBe(200)
    expect(first.body).toContain('REC-1')
    expect(first.body).not.toContain('REC-C')
    expect(first.body).toContain('No update')

    const bad = await caseworker.post(recommendations, { recommendation: '', status: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#recommendation"')
    expect(bad.body).toContain('href="#status"')
    const recorded = await caseworker.post(recommendations, {
      recommendation: 'REC-1',
      status: 'implemented',
      note: 'Media log in use',
    })
    expect(location(recorded)).toBe(recommendations)
    const table = await caseworker.get(recommendations)
    expect(table.body).toContain('Progress update recorded as self-reported')
    expect(table.body).toContain('Implemented')
    expect(table.body).toContain('Self-reported')

    const rec1 = (
      await testApp.services.recommendationProgress.one(fw.lead.caller, fw.revisit.id, 'cheshire', 'REC-1')
    ).recommendation.recommendation.id
    const unverified = await lead.post(recommendations, {
      recommendation: rec1,
      status: 'in progress',
      return: 'recommendation',
    })
    expect(unverified.statusCode).toBe(400)
    expect(unverified.body).toContain('href="#note"')
    expect(unverified.body).toContain('Recommendation REC-1')
    const verified = await lead.post(recommendations, {
      recommendation: rec1,
      status: 'in progress',
      note: 'Log kept in two of five units',
      return: 'recommendation',
    })
    expect(location(verified)).toBe(`${recommendations}/${rec1}`)
    expect((await lead.get(`${recommendations}/${rec1}`)).body).toContain(
      'Progress update recorded as inspector-verified',
    )
    const history = await caseworker.get(`${recommendations}/${rec1}`)
    expect(history.statusCode).toBe(200)
    expect(history.body).toContain('Inspector-verified')
    expect(history.body).toContain('Log kept in two of five units')
    expect(history.body.indexOf('Log kept in two of five units')).toBeLessThan(
      history.body.indexOf('Media log in use'),
    )

    // Staff and another force are refused.
    const staff = await signIn(cast.alpha.users.staff.email)
    expect((await staff.get(recommendations)).statusCode).toBe(403)
    const bravo = await signIn(cast.bravo.users['force-caseworker'].email)
    expect((await bravo.get(recommendations)).statusCode).toBe(404)
  })

  it('offers the same through the API, to a force’s token', async () => {
    const headers = { authorization: `Bearer ${cast.alpha.apiToken.token}` }
    const posted = await testApp.app.inject({
      method: 'POST',
      url: `/api${recommendations}`,
      headers,
      payload: { recommendation: 'REC-2', status: 'in progress' },
    })
    expect(posted.statusCode).toBe(201)
    expect(posted.json()).toMatchObject({
      recommendation: 'REC-2',
      basis: 'self-reported',
      status: 'in progress',
    })
    const bad = await testApp.app.inject({
      method: 'POST',
      url: `/api${recommendations}`,
      headers,
      payload: { recommendation: 'REC-2', status: 'finished' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details).toEqual([{ field: 'status', message: 'Select the status' }])
    const read = await testApp.app.inject({ method: 'GET', url: `/api${recommendations}`, headers })
    expect(read.statusCode).toBe(200)
    const body = read.json() as { recommendations: { recommendation: { code: string }; current: unknown }[] }
    expect(body.recommendations.map((r) => r.recommendation.code)).toEqual(['REC-1', 'REC-2', 'REC-9'])
    expect(body.recommendations[1]?.current).toMatchObject({ status: 'in progress', basis: 'self-reported' })
  })

  it('shows the inspectorate national counts and downloads them, audited', async () => {
    const national = await lead.get('/recommendations?inspection=fieldwork-revisit')
    expect(national.statusCode).toBe(200)
    expect(national.body).toContain('By recommendation')
    expect(national.body).toContain('Cheshire Constabulary')
    expect((await forceAdmin.get('/recommendations')).statusCode).toBe(403)
    const csv = await lead.get('/recommendations.csv?inspection=fieldwork-revisit')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body.trim().split('\n')
    expect(lines[0]).toContain('Force,Force code,Recommendation')
    expect(lines).toHaveLength(1 + 3 + 4)
    expect(csv.body).toContain(
      'cheshire,REC-1,Record every contact with the media,in progress,inspector-verified',
    )
    const xlsx = await lead.get('/recommendations.xlsx?inspection=fieldwork-revisit')
    expect(xlsx.statusCode).toBe(200)
    const { events } = await testApp.services.audit.list(
      SYSTEM_CALLER,
      { entityType: 'recommendation-progress', action: 'export' },
      { offset: 0, limit: 10 },
    )
    expect(events.map((e) => (e.after as { format: string }).format)).toEqual(['xlsx', 'csv'])
  })
})
