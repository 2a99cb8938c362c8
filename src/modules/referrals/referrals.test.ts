import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'

let testApp: TestApp
let cast: TwoForces
let inspector: Agent
let caseworker: Agent
let admin: Agent
let bravoCaseworker: Agent
const now = new Date('2012-06-15T10:00:00Z')

async function signIn(email: string) {
  const agent = new Agent(testApp.app)
  await agent.signIn(email, TEST_PASSWORD)
  return agent
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
  inspector = await signIn(cast.inspectorateAdmin.email)
  caseworker = await signIn(cast.alpha.users['force-caseworker'].email)
  admin = await signIn(cast.alpha.users['force-admin'].email)
  bravoCaseworker = await signIn(cast.bravo.users['force-caseworker'].email)
})
afterAll(() => testApp.close())

const idFrom = (location: unknown) => String(location).split('?')[0]?.split('/').pop() as string

describe('an inspectorate referral round trip', () => {
  it('is created by an inspector, answered by the force, and the inspector sees the outcome', async () => {
    expect((await inspector.get('/referrals/new')).statusCode).toBe(200)
    const bad = await inspector.post('/referrals/new', {
      force: 'cheshire',
      type: 'social-media misconduct',
      finding: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('href="#finding"')

    const created = await inspector.post('/referrals/new', {
      force: 'cheshire',
      type: 'social-media misconduct',
      finding: 'A PC posted a photograph of a crime scene on Facebook',
      evidenceUrl: 'https://facebook.example/posts/42',
      referredOn: '14/5/2012',
    })
    expect(created.statusCode).toBe(303)
    const referralId = idFrom(created.headers.location)

    // The force sees it and accepts it into a new case.
    const list = await caseworker.get('/referrals')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('A PC posted a photograph')
    const page = await caseworker.get(`/referrals/${referralId}`)
    expect(page.body).toContain('Accept into a new case')
    const accepted = await caseworker.post(`/referrals/${referralId}/accept`, { person: 'ALPHA0001' })
    expect(accepted.statusCode).toBe(303)
    const again = await caseworker.post(`/referrals/${referralId}/no-action`, { reason: 'Too late' })
    expect(again.statusCode).toBe(400)

    // The case exists, from the referral, with the subject.
    const { referral } = await testApp.services.referrals.findWithHistory(
      {
        principal: null,
        actor: { type: 'system', id: null, label: 't', ipAddress: null },
        scope: { kind: 'inspectorate' },
      },
      referralId,
    )
    expect(referral.status).toBe('accepted')
    const casePage = await caseworker.get(`/cases/${referral.caseId}`)
    expect(casePage.statusCode).toBe(200)
    expect(casePage.body).toContain('Inspectorate referral')
    expect(casePage.body).toContain('ALPHA0001')

    // The inspector sees the outcome.
    const seen = await inspector.get(`/referrals/${referralId}`)
    expect(seen.statusCode).toBe(200)
    expect(seen.body).toContain('Accepted into case')
    expect(seen.body).toContain(referral.case?.reference as string)
    const json = await inspector.get(`/api/referrals/${referralId}`)
    expect(json.json()).toMatchObject({ status: 'accepted', case: { reference: referral.case?.reference } })

    // Another force's caseworker cannot see or answer it.
    expect((await bravoCaseworker.get(`/referrals/${referralId}`)).statusCode).toBe(404)
    expect(
      (await bravoCaseworker.post(`/referrals/${referralId}/no-action`, { reason: 'x' })).statusCode,
    ).toBe(404)
  })

  it('records no action with a reason, and counts referrals and outcomes per force', async () => {
    const created = await inspector.post('/referrals/new', {
      force: 'cheshire',
      type: 'social-media misconduct',
      finding: 'A tweet about a colleague',
      evidence: 'Screenshot taken 10 May 2012',
      referredOn: '2012-05-15',
    })
    const referralId = idFrom(created.headers.location)
    const missing = await caseworker.post(`/referrals/${referralId}/no-action`, { reason: ' ' })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Enter why no action will be taken')
    expect(
      (
        await caseworker.post(`/referrals/${referralId}/no-action`, {
          reason: 'The account is not our officer’s',
        })
      ).statusCode,
    ).toBe(303)
    const seen = await inspector.get(`/referrals/${referralId}`)
    expect(seen.body).toContain('The account is not our officer’s')

    const counts = await inspector.get('/api/referrals/counts?from=2012-01-01&to=2012-05-31')
    const cheshire = counts
      .json<{
        forces: {
          force: { code: string }
          referred: number
          accepted: number
          noAction: number
          awaiting: number
        }[]
      }>()
      .forces.find((row) => row.force.code === 'cheshire')
    // The fixture's own referral is awaiting an answer.
    expect(cheshire).toMatchObject({ referred: 3, accepted: 1, noAction: 1, awaiting: 1 })
    const csv = await inspector.get('/referrals.csv?force=cheshire')
    expect(csv.statusCode).toBe(200)
    expect(csv.body).toContain('A tweet about a colleague')
  })
})

describe('the referrals’ pages in Welsh', () => {
  it('say their headings, statuses, types, errors and banners in Welsh, the findings marked as English', async () => {
    const created = await inspector.post('/referrals/new', {
      force: 'cheshire',
      type: 'social-media misconduct',
      finding: 'A post about a custody suite',
      evidence: 'Screenshot',
      referredOn: '2012-05-20',
    })
    const referralId = idFrom(created.headers.location)
    const welsh = await signIn(cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const list = await welsh.get('/referrals')
    expect(list.body).toMatch(/<html lang="cy"/)
    expect(list.body).toContain('<h1 class="govuk-heading-xl">Atgyfeiriadau</h1>')
    expect(list.body).toContain('Camymddwyn ar y cyfryngau cymdeithasol')
    expect(list.body).toContain('Yn aros am ymateb')
    expect(list.body).not.toContain('Apply filters')
    const page = await welsh.get(`/referrals/${referralId}`)
    expect(page.body).toContain('Derbyn i achos newydd')
    expect(page.body).toContain('<span lang="en">A post about a custody suite</span>')
    const missing = await welsh.post(`/referrals/${referralId}/no-action`, { reason: ' ' })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Rhowch pam na fydd camau’n cael eu cymryd')
    const recorded = await welsh.post(`/referrals/${referralId}/no-action`, { reason: 'Nid ein swyddog' })
    expect(recorded.statusCode).toBe(303)
    const after = await welsh.get(`/referrals/${referralId}`)
    expect(after.body).toContain('Cofnodwyd dim camau')
    expect(after.body).not.toContain('No action recorded')
    // The choice is kept with the account: the other tests read this caseworker's pages in English.
    await welsh.chooseLanguage('en')
  })
})

describe('a case opened from a referral for work begun before it was recorded (P20 #3)', () => {
  it('may be dated earlier than today with a reason, never before the referral nor in the future', async () => {
    const created = await inspector.post('/referrals/new', {
      force: 'cheshire',
      type: 'social-media misconduct',
      finding: 'A PCSO posted a suspect’s photograph',
      evidence: 'Screenshot of 2 May 2012',
      'referredOn-day': '14',
      'referredOn-month': '5',
      'referredOn-year': '2012',
    })
    expect(created.statusCode).toBe(303)
    const referralId = idFrom(created.headers.location)
    expect((await inspector.get(`/referrals/${referralId}`)).body).toContain('Finding referred to Cheshire')
    const page = await caseworker.get(`/referrals/${referralId}`)
    expect(page.body).toContain('Date the case was opened')
    expect(page.body).toContain('14 May 2012')

    const accept = (openedOn: [string, string, string], reason = '') =>
      caseworker.post(`/referrals/${referralId}/accept`, {
        'openedOn-day': openedOn[0],
        'openedOn-month': openedOn[1],
        'openedOn-year': openedOn[2],
        earlierDateReason: reason,
        confidential: 'no',
      })
    const noReason = await accept(['21', '5', '2012'])
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Enter why the date the case was opened is earlier than today')
    const beforeReferral = await accept(['13', '5', '2012'], 'Begun on a phone call')
    expect(beforeReferral.statusCode).toBe(400)
    expect(beforeReferral.body).toContain(
      'The date the case was opened must be on or after the date of the referral',
    )
    const future = await accept(['16', '6', '2012'], 'Tomorrow')
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('must be today or in the past')
    const notADate = await accept(['31', '2', '2012'], 'x')
    expect(notADate.statusCode).toBe(400)

    const accepted = await accept(['21', '5', '2012'], 'Assessed on 21 May, entered after the return was due')
    expect(accepted.statusCode).toBe(303)
    const seen = await caseworker.get(`/referrals/${referralId}`)
    expect(seen.body).toMatch(/Accepted into case IC\/2012\/\d{4}/)
    const referral = await testApp.services.referrals.find(SYSTEM_CALLER, referralId)
    const caseRow = await testApp.services.integrityCases.find(SYSTEM_CALLER, referral.caseId as string)
    if (caseRow.restricted) throw new Error('the case should be readable')
    expect(caseRow.detail.case.openedOn).toBe('2012-05-21')
    // It counts in the period it was opened in: the return for the year to 31 May 2012.
    const counts = await testApp.services.integrityCases.counts(SYSTEM_CALLER, referral.force.id, {
      from: '2011-06-01',
      to: '2012-05-31',
    })
    expect(counts.openedByType['social-media misconduct']).toBeGreaterThanOrEqual(1)
    const inMay = await testApp.services.integrityCases.counts(SYSTEM_CALLER, referral.force.id, {
      from: '2012-05-21',
      to: '2012-05-21',
    })
    expect(inMay.total).toBe(1)
    // The reason is in the audit trail of the referral and of the case.
    const referralEvents = await testApp.services.audit.history(SYSTEM_CALLER, 'referral', referralId)
    expect(referralEvents.find((event) => event.action === 'accept')?.after).toMatchObject({
      caseOpenedOn: '2012-05-21',
      earlierDateReason: 'Assessed on 21 May, entered after the return was due',
    })
    const caseEvents = await testApp.services.audit.history(
      SYSTEM_CALLER,
      'integrity-case',
      referral.caseId as string,
    )
    expect(caseEvents.find((event) => event.action === 'open')?.after).toMatchObject({
      openedOn: '2012-05-21',
      earlierDateReason: 'Assessed on 21 May, entered after the return was due',
    })
  })

  it('is opened today when no date is given, with no reason needed', async () => {
    const referral = await testApp.services.referrals.create(SYSTEM_CALLER, {
      force: 'cheshire',
      type: 'other',
      finding: 'A second finding',
      evidence: 'Notes',
      referredOn: '2012-06-01',
    })
    const accepted = await caseworker.post(`/referrals/${referral.id}/accept`, { confidential: 'no' })
    expect(accepted.statusCode).toBe(303)
    const found = await testApp.services.referrals.find(SYSTEM_CALLER, referral.id)
    const caseRow = await testApp.services.integrityCases.find(SYSTEM_CALLER, found.caseId as string)
    if (caseRow.restricted) throw new Error('the case should be readable')
    expect(caseRow.detail.case.openedOn).toBe('2012-06-15')
  })
})

describe('confidential cases over HTTP', () => {
  it('shows users not named on it only that it exists, in lists, pages, exports and the API', async () => {
    const secret = 'alphamarker confidential intelligence'
    for (const agent of [admin, inspector]) {
      const list = await agent.get('/cases')
      expect(list.statusCode).toBe(200)
      expect(list.body).toContain('Restricted')
      expect(list.body).not.toContain(secret)
      for (const format of ['csv', 'xlsx']) {
        const exported = await agent.get(`/cases.${format}`)
        expect(exported.statusCode).toBe(200)
        expect(exported.rawPayload.includes(Buffer.from('confidential intelligence'))).toBe(false)
      }
      const page = await agent.get(`/cases/${cast.alpha.cases.confidentialCaseId}`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Only the caseworkers named on it')
      expect(page.body).not.toContain(secret)
      const api = await agent.get(`/api/cases/${cast.alpha.cases.confidentialCaseId}`)
      expect(api.json()).toMatchObject({ restricted: true, summary: null })
      const searched = await agent.get('/cases?q=intelligence')
      expect(searched.body).not.toContain(secret)
    }
    expect(
      (await admin.post(`/cases/${cast.alpha.cases.confidentialCaseId}/notes`, { text: 'peek' })).statusCode,
    ).toBe(403)
    // The caseworker named on it sees it all.
    const named = await caseworker.get(`/cases/${cast.alpha.cases.confidentialCaseId}`)
    expect(named.body).toContain(secret)
    expect((await caseworker.get('/cases.csv')).body).toContain(secret)
  })

  it('opens a case from the form, runs it, and counts it', async () => {
    const bad = await caseworker.post('/cases/new', { type: 'other', summary: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#source"')
    const opened = await caseworker.post('/cases/new', {
      type: 'inappropriate disclosure to the media',
      source: 'internal',
      openedOn: '1/3/2012',
      targetDate: '1/4/2012',
      summary: 'Details of an arrest appeared in the Chester Chronicle',
      confidential: 'no',
    })
    expect(opened.statusCode).toBe(303)
    const caseId = idFrom(opened.headers.location)
    expect((await caseworker.get('/cases/overdue')).body).toContain(caseId)
    expect(
      (await caseworker.post(`/cases/${caseId}/notes`, { text: 'Spoke to the editor' })).statusCode,
    ).toBe(303)
    expect(
      (await caseworker.post(`/cases/${caseId}/close`, { outcome: 'written warning', closedOn: '' }))
        .statusCode,
    ).toBe(400)
    expect(
      (await caseworker.post(`/cases/${caseId}/close`, { outcome: 'written warning', closedOn: '10/6/2012' }))
        .statusCode,
    ).toBe(303)
    const page = await caseworker.get(`/cases/${caseId}`)
    expect(page.body).toContain('Spoke to the editor')
    expect(page.body).toContain('Written warning'.toLowerCase())
    const counts = await caseworker.get('/cases/counts?from=1/9/2011&to=31/5/2012&census=31/5/2012')
    expect(counts.statusCode).toBe(200)
    const api = await inspector.get(
      '/api/cases/counts?force=cheshire&from=2011-09-01&to=2012-05-31&census=2012-05-31',
    )
    // The fixture's cases (February 2012), the one accepted from a referral as of 21 May 2012, and this
    // one; all were open on the census date.
    expect(api.json()).toMatchObject({ total: 4, continuing: 4 })
  })
})

describe('anti-corruption unit staffing', () => {
  it('records posts funded and filled and shows the change between two dates', async () => {
    expect(
      (await caseworker.post('/acu-staffing', { asOf: '31/3/2011', postsFunded: '6', postsFilled: 'five' }))
        .statusCode,
    ).toBe(400)
    expect(
      (await caseworker.post('/acu-staffing', { asOf: '31/3/2011', postsFunded: '6', postsFilled: '5' }))
        .statusCode,
    ).toBe(303)
    expect(
      (await caseworker.post('/acu-staffing', { asOf: '31/3/2012', postsFunded: '8', postsFilled: '7.5' }))
        .statusCode,
    ).toBe(303)
    const page = await caseworker.get('/acu-staffing?from=1/4/2011&to=1/4/2012')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('change 2.5')
    const change = await inspector.get(
      '/api/acu-staffing/change?force=cheshire&from=2011-04-01&to=2012-04-01',
    )
    expect(change.json()).toMatchObject({ fundedChange: 2, filledChange: 2.5 })
    expect((await bravoCaseworker.get('/api/acu-staffing')).json()).toEqual({ staffing: [] })
    for (const path of [
      '/acu-staffing',
      '/acu-staffing?force=cheshire&from=1/4/2011&to=1/4/2012',
      '/cases/counts',
      '/cases/overdue',
      '/cases?force=cheshire',
      '/referrals?force=cheshire',
    ])
      expect((await inspector.get(path)).statusCode, path).toBe(200)
    expect((await inspector.get('/cases/counts?force=cheshire&from=1/9/2011&to=31/5/2012')).body).toContain(
      'Opened by type',
    )
    expect((await inspector.get('/cases/counts?from=1/9/2011&to=nonsense')).statusCode).toBe(400)
  })
})
