import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { AuditEventView } from './present.js'

// Issue #19, finding 5: a case made confidential kept its earlier contents readable in the audit trail.
let testApp: TestApp
let cast: TwoForces
let caseId: string
let staffNumber: string
let inspectorateToken: string
const SUMMARY = 'leakmarker took a journalist to dinner'
const NOTE = 'notemarker the informant is a sergeant in traffic'
const agents: Record<'forceAdmin' | 'caseworker' | 'inspectorate', Agent> = {} as never

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
  const { services } = testApp
  const alpha = (await services.forces.references()).find((force) => force.code === cast.alpha.code)
  // A subject of its own, whose staff number appears in no other event.
  staffNumber = 'SUBJ4242'
  await services.roster.importRows(SYSTEM_CALLER, {
    forceCode: cast.alpha.code,
    filename: 'subject.csv',
    rows: [
      {
        line: 2,
        values: {
          staff_number: staffNumber,
          name: 'Pat Subject',
          grade: 'Sergeant',
          unit: 'Traffic',
          start_date: '2005-01-01',
          leave_date: '',
        },
      },
    ],
  })
  const opened = await services.integrityCases.open(
    SYSTEM_CALLER,
    {
      type: 'inappropriate disclosure to the media',
      source: 'internal',
      openedOn: '2012-03-01',
      summary: SUMMARY,
    },
    { forceId: alpha?.id ?? 0 },
  )
  caseId = opened.id
  agents.forceAdmin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
  agents.caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  agents.inspectorate = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  inspectorateToken = (
    await services.apiTokens.create(SYSTEM_CALLER, { name: 'inspectorate token', role: 'inspectorate-admin' })
  ).token
  expect(
    (await agents.caseworker.post(`/cases/${caseId}/subjects`, { person: staffNumber })).statusCode,
  ).toBe(303)
  expect((await agents.caseworker.post(`/cases/${caseId}/notes`, { text: NOTE })).statusCode).toBe(303)
})
afterAll(() => testApp.close())

async function caseEvents(token: string): Promise<AuditEventView[]> {
  const response = await testApp.app.inject({
    method: 'GET',
    url: '/api/audit-events?entityType=integrity-case',
    headers: { authorization: `Bearer ${token}` },
  })
  expect(response.statusCode).toBe(200)
  return (response.json() as { events: AuditEventView[] }).events.filter(
    (event) => event.entity.id === caseId,
  )
}

/** Everything a reader of the trail gets about the case: the API's events, the page and the download. */
async function trailAsSeenBy(agent: Agent, token: string) {
  const events = await caseEvents(token)
  const page = (await agent.get('/admin/audit?entityType=integrity-case')).body
  const csv = (await agent.get('/admin/audit.csv?entityType=integrity-case')).body
  return { events, text: JSON.stringify(events) + page + csv }
}

const SECRETS = () => [SUMMARY, NOTE, staffNumber]

describe('the audit trail of a case made confidential', () => {
  it('shows an open case’s contents to the force admin and the inspectorate', async () => {
    for (const [agent, token] of [
      [agents.forceAdmin, cast.alpha.apiToken.token],
      [agents.inspectorate, inspectorateToken],
    ] as const) {
      const { events, text } = await trailAsSeenBy(agent, token)
      expect(events.map((event) => event.action)).toEqual(['note', 'add-subject', 'open'])
      for (const secret of SECRETS()) expect(text).toContain(secret)
    }
  })

  it('redacts its earlier and later events for everyone not named on it', async () => {
    expect(
      (await agents.caseworker.post(`/cases/${caseId}/confidential`, { confidential: 'yes' })).statusCode,
    ).toBe(303)
    expect(
      (await agents.caseworker.post(`/cases/${caseId}/status`, { status: 'continuing' })).statusCode,
    ).toBe(303)
    for (const [agent, token] of [
      [agents.forceAdmin, cast.alpha.apiToken.token],
      [agents.inspectorate, inspectorateToken],
    ] as const) {
      const { events, text } = await trailAsSeenBy(agent, token)
      // Each event is still listed, in the chain, with its hashes; only what it recorded is withheld.
      expect(events.map((event) => event.action)).toEqual([
        'status',
        'restrict',
        'note',
        'add-subject',
        'open',
      ])
      for (const event of events) expect(event).toMatchObject({ redacted: true, before: null, after: null })
      expect(events.every((event) => /^[0-9a-f]{64}$/.test(event.hash))).toBe(true)
      for (const secret of SECRETS()) expect(text).not.toContain(secret)
      expect(text).toContain('redacted')
    }
  })

  it('still shows the whole history to a caseworker named on it', async () => {
    const page = (await agents.caseworker.get(`/cases/${caseId}`)).body
    expect(page).toContain(SUMMARY)
    expect(page).toContain(NOTE)
    // The timeline reads the case's audit events: the subject's staff number comes from what was recorded.
    expect(page).toContain(`Staff number ${staffNumber}`)
  })

  it('leaves the chain intact: the hashed events are untouched', async () => {
    expect(await testApp.services.audit.verify()).toMatchObject({ ok: true })
  })
})
