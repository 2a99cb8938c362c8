import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { DELEGATION_ENTITY } from './sign-off.js'
import { addToRoster } from './test-support.js'

let testApp: TestApp
let cast: TwoForces
let alphaAdmin: Agent
let bravoAdmin: Agent
let alphaCaseworker: Agent
let inspector: Agent
let base: string
let alphaId: number
const people = { chief: '', superintendent: '', constable: '' }
const now = new Date('2012-06-20T09:00:00Z')

async function signIn(email: string) {
  const agent = new Agent(testApp.app)
  await agent.signIn(email, TEST_PASSWORD)
  return agent
}

const delegationToSuperintendent = async () =>
  (await testApp.services.signOff.delegations(SYSTEM_CALLER, alphaId)).find(
    (delegation) => delegation.staffMemberId === people.superintendent,
  )

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
  const { services } = testApp
  const [chief, superintendent] = await addToRoster(services, cast.alpha.code, [
    ['SO0001', 'Dana Chief', 'DCC'],
    ['SO0002', 'Sam Super', 'Superintendent'],
  ])
  people.chief = chief as string
  people.superintendent = superintendent as string
  alphaId = (await services.forces.references()).find((force) => force.code === cast.alpha.code)?.id as number
  people.constable = cast.alpha.roster.staffMemberId
  // Every question answered, so only the sign-off stands between the force and submitting.
  const view = await services.selfAssessments.get(SYSTEM_CALLER, cast.inspection.id, cast.alpha.code)
  await services.selfAssessments.saveAnswers(
    SYSTEM_CALLER,
    cast.inspection.id,
    cast.alpha.code,
    view.areas.flatMap((area) =>
      area.questions.map((q) => ({ questionId: q.question.id, rating: 'fully met', evidence: 'Minutes' })),
    ),
  )
  await services.users.create(SYSTEM_CALLER, {
    email: 'inspector@inspectorate.example',
    name: 'Ian Inspector',
    role: 'inspector',
    password: TEST_PASSWORD,
  })
  alphaAdmin = await signIn(cast.alpha.users['force-admin'].email)
  bravoAdmin = await signIn(cast.bravo.users['force-admin'].email)
  alphaCaseworker = await signIn(cast.alpha.users['force-caseworker'].email)
  inspector = await signIn('inspector@inspectorate.example')
  base = `/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/self-assessment`
})
afterAll(() => testApp.close())

describe('the self-assessment’s pages in Welsh', () => {
  it('say their headings, ratings, statuses and errors in Welsh, the framework’s English marked as such', async () => {
    const admin = await signIn(cast.alpha.users['force-admin'].email)
    await admin.chooseLanguage('cy')
    const overview = await admin.get(base)
    expect(overview.body).toMatch(/<html lang="cy"/)
    expect(overview.body).toContain('<h1 class="govuk-heading-l">Hunanasesiad</h1>')
    expect(overview.body).toContain('Wedi’i fodloni’n llawn')
    expect(overview.body).toContain('Gwirio a chyflwyno')
    expect(overview.body).not.toContain('Check and submit')

    const areaPath = overview.body.match(/href="([^"]+\/self-assessment\/areas\/[^"]+)"/)?.[1] ?? ''
    const area = await admin.get(areaPath)
    expect(area.body).toContain('Cadw fel drafft')
    expect(area.body).toMatch(/<h1 class="govuk-heading-l" lang="en">/)
    const rating = area.body.match(/name="(rating-[^"]+)"/)?.[1] ?? ''
    const bad = await admin.post(areaPath, { [rating]: 'brilliant', action: 'draft' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Dewiswch sgôr o’r rhestr')

    const submit = await admin.get(`${base}/submit`)
    expect(submit.body).toContain('<h1 class="govuk-heading-l">Cyflwyno’r hunanasesiad</h1>')
    const unsigned = await admin.post(`${base}/submit`, {})
    expect(unsigned.statusCode).toBe(400)
    expect(unsigned.body).toContain('Dewiswch y prif swyddog sy’n cymeradwyo')

    const signOff = await admin.get('/self-assessments/sign-off')
    expect(signOff.body).toContain('Pwy all gymeradwyo heddiw')
    expect(signOff.body).not.toContain('Who can sign off today')
    const delegate = await admin.post('/self-assessments/sign-off/delegate', { q: '' })
    expect(delegate.statusCode).toBe(400)
    expect(delegate.body).toContain('Dewiswch yr aelod o staff a gaiff gymeradwyo')
    expect(delegate.body).toContain('Rhowch y dyddiad dechrau')
    // The choice is kept with the account: the other tests read this administrator's pages in English.
    await admin.chooseLanguage('en')
  })
})

describe('signing off a self-assessment', () => {
  it('refuses a constable, whether chosen from the roster or typed as the rank', async () => {
    const constable = await alphaAdmin.post(`${base}/submit`, {
      signedOffBy: people.constable,
      confirm: 'yes',
    })
    expect(constable.statusCode).toBe(400)
    expect(text(constable.body)).toContain('is a Constable: only a chief officer')
    expect(constable.body).toContain('href="#signedOffBy"')
    // The old form's typed name and rank are not a sign-off.
    const typed = await alphaAdmin.post(`${base}/submit`, {
      signedOffByName: 'Pat Example',
      signedOffByRank: 'Constable',
      confirm: 'yes',
    })
    expect(typed.statusCode).toBe(400)
    expect(text(typed.body)).toContain('Select the chief officer signing off')
    // Even a historic sign-off loaded by the command line must name a chief officer's rank.
    const historic = await testApp.services.selfAssessments
      .submit(SYSTEM_CALLER, cast.inspection.id, cast.alpha.code, {
        signedOffByName: 'Pat Example',
        signedOffByRank: 'Constable',
        confirm: 'yes',
      })
      .catch((error: ValidationError) => error.fieldErrors)
    expect(historic).toEqual({
      signedOffByRank: 'Rank must be a chief officer’s: Assistant Chief Constable or above',
    })
    const view = await testApp.services.selfAssessments.get(
      SYSTEM_CALLER,
      cast.inspection.id,
      cast.alpha.code,
    )
    expect(view.status).toBe('in progress')
  })

  it('offers only the chief officers and current delegates, and refuses a superintendent until delegated', async () => {
    const form = await alphaAdmin.get(`${base}/submit`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain(`value="${people.chief}"`)
    expect(form.body).not.toContain(`value="${people.superintendent}"`)
    expect(form.body).not.toContain(`value="${people.constable}"`)
    const refused = await alphaAdmin.post(`${base}/submit`, {
      signedOffBy: people.superintendent,
      confirm: 'yes',
    })
    expect(refused.statusCode).toBe(400)
    expect(text(refused.body)).toContain('Sam Super is a Superintendent')
  })

  it('lets the force administrator delegate sign-off, with dates and a reason, audited', async () => {
    const page = await alphaAdmin.get('/self-assessments/sign-off')
    expect(page.statusCode).toBe(200)
    expect(text(page.body)).toContain('Dana Chief')
    const search = await alphaAdmin.get('/self-assessments/sign-off/delegate?q=sam')
    expect(search.body).toContain(`value="${people.superintendent}"`)
    expect(search.body).toContain('name="validFrom-day"')
    const wrong = await alphaAdmin.post('/self-assessments/sign-off/delegate', {
      staffMemberId: people.superintendent,
      'validFrom-day': '1',
      'validFrom-month': '7',
      'validFrom-year': '2012',
      'validTo-day': '',
      'validTo-month': '6',
      'validTo-year': '2012',
      reason: '',
    })
    expect(wrong.statusCode).toBe(400)
    expect(text(wrong.body)).toContain('End date must include a day')
    expect(text(wrong.body)).toContain('Give the reason for the delegation')
    const recorded = await alphaAdmin.post('/self-assessments/sign-off/delegate', {
      staffMemberId: people.superintendent,
      'validFrom-day': '1',
      'validFrom-month': '6',
      'validFrom-year': '2012',
      'validTo-day': '31',
      'validTo-month': '7',
      'validTo-year': '2012',
      reason: 'The Deputy Chief Constable is on leave',
    })
    expect(recorded.statusCode).toBe(303)
    const listed = await alphaAdmin.get(String(recorded.headers.location))
    expect(text(listed.body)).toContain('Delegation recorded')
    expect(text(listed.body)).toContain('1 June 2012 to 31 July 2012')
    const delegation = await delegationToSuperintendent()
    const history = await testApp.services.audit.history(
      SYSTEM_CALLER,
      DELEGATION_ENTITY,
      delegation?.id as string,
    )
    expect(history.map((event) => event.action)).toEqual(['delegate'])

    const submitted = await alphaAdmin.post(`${base}/submit`, {
      signedOffBy: people.superintendent,
      confirm: 'yes',
    })
    expect(submitted.statusCode).toBe(303)
    const overview = text((await alphaAdmin.get(base)).body)
    expect(overview).toContain('Self-assessment submitted')
    expect(overview).toContain('Sam Super, Superintendent, by delegation')
  })

  it('keeps delegations to the force: another force’s administrator gets 404, others 403', async () => {
    const delegation = await delegationToSuperintendent()
    const revoke = `/self-assessments/sign-off/delegations/${delegation?.id}/revoke`
    expect((await bravoAdmin.get(revoke)).statusCode).toBe(404)
    expect((await bravoAdmin.post(revoke, {})).statusCode).toBe(404)
    const bravoPage = await bravoAdmin.get('/self-assessments/sign-off')
    expect(bravoPage.statusCode).toBe(200)
    expect(bravoPage.body).not.toContain('Sam Super')
    expect((await bravoAdmin.get('/self-assessments/sign-off/delegate?q=sam')).body).not.toContain(
      people.superintendent,
    )
    const stolen = await bravoAdmin.post('/self-assessments/sign-off/delegate', {
      staffMemberId: people.chief,
      'validFrom-day': '1',
      'validFrom-month': '6',
      'validFrom-year': '2012',
      'validTo-day': '2',
      'validTo-month': '6',
      'validTo-year': '2012',
      reason: 'Trying another force’s staff',
    })
    expect(stolen.statusCode).toBe(400)
    for (const agent of [alphaCaseworker, inspector]) {
      expect((await agent.get('/self-assessments/sign-off')).statusCode).toBe(403)
      expect((await agent.get(revoke)).statusCode).toBe(403)
      expect((await agent.post(revoke, {})).statusCode).toBe(403)
    }
  })

  it('revokes a delegation only after asking, and the delegate can no longer sign', async () => {
    const delegation = await delegationToSuperintendent()
    const revoke = `/self-assessments/sign-off/delegations/${delegation?.id}/revoke`
    const page = await alphaAdmin.get('/self-assessments/sign-off')
    expect(page.body).toContain(`href="${revoke}"`)
    const ask = await alphaAdmin.get(revoke)
    expect(text(ask.body)).toContain('Are you sure you want to revoke this delegation?')
    const done = await alphaAdmin.post(revoke, {})
    expect(done.statusCode).toBe(303)
    expect(text((await alphaAdmin.get('/self-assessments/sign-off')).body)).toContain('Delegation revoked')
    await expect(
      testApp.services.signOff.signatory(SYSTEM_CALLER, alphaId, people.superintendent),
    ).rejects.toBeInstanceOf(ValidationError)
    expect((await alphaAdmin.get(revoke)).statusCode).toBe(404)
  })
})
