import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createImportTestApp } from '../../../test/support/imports.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { pageText } from '../roster/test-support.js'
import type { ChangeRow } from './queries.js'

let testApp: TestApp
let cast: TwoForces
let proposer: Agent
let lead: Agent
let caseworker: Agent
let bravoCaseworker: Agent
let inspectorate: Caller

beforeAll(async () => {
  ;({ testApp, cast, caseworker, bravoCaseworker } = await createImportTestApp(
    () => new Date('2012-12-31T10:00:00Z'),
  ))
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'lead.inspector@inspectorate.example',
    name: 'Lena Lead-Inspector',
    role: 'inspector',
    password: TEST_PASSWORD,
  })
  inspectorate = callerFor(
    { kind: 'user', id: user.id, label: user.name, role: 'inspector', forceId: null, staffMemberId: null },
    null,
  )
  proposer = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  lead = await signedInAgent(testApp.app, 'lead.inspector@inspectorate.example')
})
afterAll(() => testApp.close())

const alphaPage = () => `/forces/${cast.alpha.code}/monitoring`
const bravoPage = () => `/forces/${cast.bravo.code}/monitoring`

async function proposalFor(code: string): Promise<ChangeRow> {
  const { proposal } = await testApp.services.escalation.forForce(inspectorate, code)
  if (!proposal) throw new Error(`no proposal for ${code}`)
  return proposal
}

describe('monitoring states of forces', () => {
  it('proposes a change with its reasons when the inspectorate evaluates the rules', async () => {
    const evaluated = await proposer.post('/monitoring/evaluate', {})
    expect(evaluated.statusCode).toBe(303)
    const overview = pageText((await proposer.get('/monitoring')).body)
    expect(overview).toContain('Rules evaluated over Two forces revisit: 2 changes of state proposed')
    expect(overview).toMatch(/Cheshire Constabulary Scan Proposed: Engage/)
    const alpha = await proposalFor(cast.alpha.code)
    expect(alpha).toMatchObject({ fromState: 'scan', toState: 'engage', status: 'proposed' })
    // The two forces' inspection: the 2011 framework's recommendations due on 31 May 2012, none done.
    expect(alpha.reasons.join(' ')).toMatch(
      /recommendations not implemented more than 90 days after their due date \(R\d.*\); the line is 3\./,
    )
    expect(alpha.reasons.join(' ')).toContain('it was due on 30 June 2012, 30 days after the census date')
    const page = pageText((await lead.get(alphaPage())).body)
    expect(page).toContain('Proposed: Scan to Engage')
    for (const reason of alpha.reasons) expect(page).toContain(reason)
    // Evaluating again changes nothing: the same proposal waits.
    await testApp.services.escalation.evaluate(SYSTEM_CALLER)
    expect((await proposalFor(cast.alpha.code)).id).toBe(alpha.id)
  })

  it('keeps a proposal from the force until it is confirmed', async () => {
    const page = pageText((await caseworker.get(alphaPage())).body)
    expect(page).toContain('The force has always been in Scan')
    expect(page).not.toContain('Proposed')
    expect(pageText((await caseworker.get(`/forces/${cast.alpha.code}`)).body)).not.toContain(
      'waiting for a lead inspector',
    )
  })

  it('refuses a decision without its answers, and the proposer’s own confirmation', async () => {
    const alpha = await proposalFor(cast.alpha.code)
    const blank = await lead.post(`${alphaPage()}/${alpha.id}`, {})
    expect(blank.statusCode).toBe(400)
    expect(pageText(blank.body)).toContain('There is a problem')
    expect(pageText(blank.body)).toContain('Choose whether to confirm or reject the change')
    const unpublished = await lead.post(`${alphaPage()}/${alpha.id}`, { decision: 'confirm' })
    expect(unpublished.statusCode).toBe(400)
    expect(pageText(unpublished.body)).toContain(
      'Choose whether to show the change on the force’s public page',
    )
    const noReason = await lead.post(`${alphaPage()}/${alpha.id}`, { decision: 'reject', note: ' ' })
    expect(noReason.statusCode).toBe(400)
    expect(pageText(noReason.body)).toContain('Give the reason for rejecting the change')
    // Proposed on demand by the inspectorate administrator: another inspector must decide it.
    const own = await proposer.post(`${alphaPage()}/${alpha.id}`, { decision: 'confirm', publish: 'no' })
    expect(own.statusCode).toBe(403)
    expect((await proposalFor(cast.alpha.code)).status).toBe('proposed')
  })

  it('lets a lead inspector confirm it: the force sees its state and reasons, and the change is audited', async () => {
    const alpha = await proposalFor(cast.alpha.code)
    const confirmed = await lead.post(`${alphaPage()}/${alpha.id}`, { decision: 'confirm', publish: 'no' })
    expect(confirmed.statusCode).toBe(303)
    expect(confirmed.headers.location).toBe(alphaPage())
    const own = pageText((await caseworker.get(alphaPage())).body)
    expect(own).toContain('Engage since 31 December 2012')
    for (const reason of alpha.reasons) expect(own).toContain(reason)
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    expect(pageText((await staff.get(`/forces/${cast.alpha.code}`)).body)).toContain('Engage')
    const anonymous = pageText((await testApp.app.inject(`/forces/${cast.alpha.code}`)).body)
    expect(anonymous).not.toContain(alpha.reasons[0])
    expect(anonymous).not.toContain('Engage')
    const events = await testApp.services.audit.history(inspectorate, 'monitoring-state', alpha.id)
    expect(events.map((event) => [event.action, event.forceId])).toEqual([
      ['propose', null],
      ['confirm', expect.any(Number)],
    ])
    const again = await lead.post(`${alphaPage()}/${alpha.id}`, { decision: 'confirm', publish: 'no' })
    expect(again.statusCode).toBe(400)
    expect(pageText(again.body)).toContain('This change was already confirmed')
  })

  it('shows the force its monitoring state in Welsh when Welsh is chosen, the reasons marked as English', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const page = await welsh.get(alphaPage())
    expect(page.body).toMatch(/<html lang="cy"/)
    expect(page.body).toContain('<h1 class="govuk-heading-l">Cyflwr monitro</h1>')
    expect(pageText(page.body)).toContain('Ymgysylltu ers 31 Rhagfyr 2012')
    expect(pageText(page.body)).toContain('Sganio i Ymgysylltu')
    expect(page.body).toContain('<ul class="govuk-list govuk-list--bullet" lang="en">')
    expect(page.body).toContain('Pob rheol')
    expect(page.body).not.toContain('Monitoring state')
  })

  it('shows a change on the force’s public page only when the inspectorate publishes it', async () => {
    const [change] = (await testApp.services.escalation.forForce(inspectorate, cast.alpha.code)).history
    expect((await caseworker.post(`${alphaPage()}/${change?.id}/publish`, {})).statusCode).toBe(403)
    expect((await lead.post(`${alphaPage()}/${change?.id}/publish`, {})).statusCode).toBe(303)
    const anonymous = pageText((await testApp.app.inject(`/forces/${cast.alpha.code}`)).body)
    expect(anonymous).toContain('31 December 2012: Scan to Engage')
    expect(anonymous).toContain(change?.reasons[0])
    const events = await testApp.services.audit.history(inspectorate, 'monitoring-state', change?.id ?? '')
    expect(events.map((event) => event.action)).toEqual(['propose', 'confirm', 'publish'])
  })

  it('rejects a proposal with a reason: the force stays in Scan, sees nothing, and is not proposed again', async () => {
    const bravo = await proposalFor(cast.bravo.code)
    const rejected = await lead.post(`${bravoPage()}/${bravo.id}`, {
      decision: 'reject',
      note: 'The return came in by email',
    })
    expect(rejected.statusCode).toBe(303)
    const own = pageText((await bravoCaseworker.get(bravoPage())).body)
    expect(own).toContain('The force has always been in Scan')
    expect(own).not.toContain('The return came in by email')
    const inspectorsView = pageText((await lead.get(bravoPage())).body)
    expect(inspectorsView).toContain('Rejected')
    expect(inspectorsView).toContain('The return came in by email')
    const run = await testApp.services.escalation.evaluate(SYSTEM_CALLER, cast.bravo.code)
    expect(run.proposed).toEqual([])
    const events = await testApp.services.audit.history(inspectorate, 'monitoring-state', bravo.id)
    expect(events.map((event) => [event.action, event.forceId])).toEqual([
      ['propose', null],
      ['reject', null],
    ])
  })

  it('takes the rules as data: refuses a bad line, and with every rule off proposes Scan again', async () => {
    const rules = await lead.get('/monitoring/rules')
    expect(rules.statusCode).toBe(200)
    const off = {
      'overdue-recommendations-threshold': '3',
      'overdue-recommendations-days': '90',
      'overdue-recommendations-state': 'engage',
      'judgement-state': 'engage',
      'data-return-missing-days': '30',
      'data-return-missing-state': 'engage',
      'awareness-below-line-threshold': '50',
      'awareness-below-line-state': 'engage',
    }
    const refused = await lead.post('/monitoring/rules', {
      ...off,
      'awareness-below-line-threshold': '0',
      'data-return-missing-state': 'scan',
    })
    expect(refused.statusCode).toBe(400)
    expect(pageText(refused.body)).toContain('There is a problem')
    expect(pageText(refused.body)).toContain('The percentage must be 1 or more')
    expect(pageText(refused.body)).toContain('Choose the state the rule moves a force to')
    expect((await caseworker.post('/monitoring/rules', off)).statusCode).toBe(403)
    expect((await lead.post('/monitoring/rules', off)).statusCode).toBe(303)
    const run = await testApp.services.escalation.evaluate(SYSTEM_CALLER)
    expect(run.proposed.map(({ force, change }) => [force.code, change.toState, change.reasons])).toEqual([
      [
        cast.alpha.code,
        'scan',
        ['No rule fires: the force’s data no longer gives cause for closer monitoring.'],
      ],
    ])
  })

  it('keeps another force out of every new route, and the inspectorate’s pages from forces', async () => {
    const alpha = await proposalFor(cast.alpha.code)
    expect((await bravoCaseworker.get(alphaPage())).statusCode).toBe(404)
    const bravoAdmin = await signedInAgent(testApp.app, cast.bravo.users['force-admin'].email)
    expect((await bravoAdmin.get(alphaPage())).statusCode).toBe(404)
    for (const agent of [bravoCaseworker, bravoAdmin, caseworker]) {
      for (const path of ['/monitoring', '/monitoring/rules'])
        expect((await agent.get(path)).statusCode).toBe(403)
      for (const path of [
        '/monitoring/evaluate',
        '/monitoring/rules',
        `${alphaPage()}/${alpha.id}`,
        `${alphaPage()}/${alpha.id}/publish`,
      ])
        expect((await agent.post(path, { decision: 'confirm', publish: 'yes' })).statusCode).toBe(403)
    }
    expect(pageText((await bravoCaseworker.get(`/forces/${cast.alpha.code}`)).body)).not.toContain(
      'monitoring state, its reasons',
    )
    expect((await lead.post(`${alphaPage()}/not-a-change`, { decision: 'confirm' })).statusCode).toBe(404)
  })
})
