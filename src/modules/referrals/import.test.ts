import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import {
  confirmActionOf,
  createImportTestApp,
  csvUpload,
  expectProblem,
  expectRefusedUpload,
  forceUserCaller,
  xlsxUpload,
} from '../../../test/support/imports.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { auditEvents } from '../audit/schema.js'
import { integrityCases } from '../integrity-cases/schema.js'
import { OUTCOME_IMPORT_COLUMNS } from './import.js'
import { referrals } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let caseworker: Agent
let bravoCaseworker: Agent
let caseReference: string
/** The test clock: 30 March 2012. */
const now = new Date('2012-03-30T10:00:00Z')
const LIST = '/referrals'

beforeAll(async () => {
  ;({ testApp, cast, alphaId, caseworker, bravoCaseworker } = await createImportTestApp(() => now))
  const [alphaCase] = await testApp.database.db
    .select({ reference: integrityCases.reference })
    .from(integrityCases)
    .where(eq(integrityCases.id, cast.alpha.cases.caseId))
  caseReference = alphaCase?.reference as string
})
afterAll(() => testApp.close())

/** A referral to Alpha, made on `referredOn`. */
async function referAlpha(finding: string, referredOn = '2012-03-01') {
  const referral = await testApp.services.referrals.create(SYSTEM_CALLER, {
    force: 'cheshire',
    type: 'social-media misconduct',
    finding,
    evidenceUrl: 'https://twitter.example/post/2',
    referredOn,
  })
  return referral.id
}

/** A row of the import: the reference, then outcome, answered_on, case_reference and reason. */
const row = (referral: string, outcome: string, answeredOn: string, caseRef: string, reason: string) => [
  referral,
  '',
  '',
  '',
  outcome,
  answeredOn,
  caseRef,
  reason,
]
const outcomesCsv = (rows: string[][]) => csvUpload('outcomes.csv', OUTCOME_IMPORT_COLUMNS, rows)

async function statuses(ids: string[]) {
  const rows = await testApp.database.db
    .select({
      id: referrals.id,
      status: referrals.status,
      respondedOn: referrals.respondedOn,
      caseId: referrals.caseId,
    })
    .from(referrals)
    .where(inArray(referrals.id, ids))
  return Object.fromEntries(rows.map((r) => [r.id, r]))
}

describe('importing the outcomes of referrals', () => {
  it('is linked from the force’s referrals and offers a template of those awaiting an answer', async () => {
    expect((await caseworker.get(LIST)).body).toContain('href="/referrals/import"')
    expect((await caseworker.get(`${LIST}/import`)).statusCode).toBe(200)
    const template = await caseworker.get(`${LIST}/import/template.csv`)
    const [header, ...lines] = template.body.trim().split('\n')
    expect(header).toBe(OUTCOME_IMPORT_COLUMNS.join(','))
    expect(lines.join('\n')).toContain(cast.alpha.cases.referralId)
    expect(template.body).not.toContain(cast.bravo.cases.referralId)
  })

  it('reports every bad row with its line and reason, and records nothing', async () => {
    const first = await referAlpha('First post')
    const second = await referAlpha('Second post', '2012-03-10')
    const before = await statuses([first, second])
    const preview = await expectRefusedUpload(
      caseworker,
      LIST,
      outcomesCsv([
        row(first, 'accepted', '2012-03-05', '', ''),
        row(second, 'no action', '2012-03-05', '', ''),
        row('not-a-reference', 'no action', '2012-03-12', '', 'Duplicate'),
        row(cast.bravo.cases.referralId, 'no action', '2012-03-12', '', 'Duplicate'),
        row(first, 'no action', '2012-03-12', '', 'Again'),
        row(second, 'maybe', '2012-03-12', '', ''),
        row(second, '', '2012-03-12', '', ''),
      ]),
      7,
    )
    expectProblem(preview, 2, 'case_reference: enter the reference of the case it was accepted into')
    expectProblem(preview, 3, 'answered_on: must be on or after the referral, 2012-03-10')
    expectProblem(preview, 3, 'reason: enter why no action was taken')
    expectProblem(preview, 4, 'referral: no referral to your force has the reference not-a-reference')
    expectProblem(
      preview,
      5,
      `referral: no referral to your force has the reference ${cast.bravo.cases.referralId}`,
    )
    expectProblem(preview, 6, 'referral: line 2 already gives this referral’s outcome')
    expectProblem(preview, 7, 'outcome: must be empty or one of: accepted, no action')
    expectProblem(preview, 8, 'referral: line 3 already gives this referral’s outcome')
    const more = await expectRefusedUpload(
      caseworker,
      LIST,
      outcomesCsv([
        row(first, 'accepted', '2012-04-02', 'IC/1999/0001', ''),
        row(second, '', '2012-03-12', '', ''),
      ]),
      2,
    )
    expectProblem(more, 2, 'answered_on: must be today or in the past')
    expectProblem(more, 2, 'case_reference: no case of your force has the reference IC/1999/0001')
    expectProblem(more, 3, 'outcome: enter one of: accepted, no action')
    expect(await statuses([first, second])).toEqual(before)
  })

  it('records each outcome on its date when confirmed, all at once, and finds them unchanged next time', async () => {
    const accepted = await referAlpha('Post accepted')
    const declined = await referAlpha('Post with no action')
    const waiting = await referAlpha('Post still waiting')
    const file = await xlsxUpload('outcomes.xlsx', OUTCOME_IMPORT_COLUMNS, [
      row(accepted, 'Accepted', '', caseReference.toLowerCase(), '').map((cell, index) =>
        index === 5 ? new Date(Date.UTC(2012, 2, 7)) : cell,
      ),
      row(declined, 'no action', '8/3/2012', '', 'Not a member of staff'),
      row(waiting, '', '', '', ''),
    ])
    const preview = await caseworker.upload(`${LIST}/import`, file)
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toContain(`Accepted into ${caseReference}`)
    expect(preview.body).toContain('7 March 2012')
    expect(preview.body).toContain('8 March 2012')
    expect(preview.body).toContain('Import 2 rows')
    const action = confirmActionOf(preview, LIST) as string
    expect((await statuses([accepted, declined]))[accepted]?.status).toBe('awaiting response')
    expect((await bravoCaseworker.post(action)).statusCode).toBe(404)
    const confirmed = await caseworker.post(action)
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('2 rows imported from outcomes.xlsx')
    const after = await statuses([accepted, declined, waiting])
    expect(after[accepted]).toMatchObject({
      status: 'accepted',
      respondedOn: '2012-03-07',
      caseId: cast.alpha.cases.caseId,
    })
    expect(after[declined]).toMatchObject({ status: 'no action', respondedOn: '2012-03-08', caseId: null })
    expect(after[waiting]?.status).toBe('awaiting response')
    const [audit] = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'referral'), eq(auditEvents.entityId, declined)))
      .orderBy(auditEvents.seq)
      .offset(1)
    expect(audit).toMatchObject({ action: 'no-action', after: { noActionReason: 'Not a member of staff' } })
    const shown = await caseworker.get(`${LIST}/${accepted}`)
    expect(shown.body).toContain('7 March 2012')
    const again = await caseworker.upload(`${LIST}/import`, file)
    expect(again.statusCode).toBe(200)
    expect(again.body).toContain('There is nothing new to import')
  })

  it('writes nothing when a referral in the file was answered on its page after the dry run', async () => {
    const one = await referAlpha('Race one')
    const two = await referAlpha('Race two')
    const preview = await caseworker.upload(
      `${LIST}/import`,
      outcomesCsv([
        row(one, 'no action', '2012-03-20', '', 'Old post'),
        row(two, 'no action', '2012-03-20', '', 'Old post'),
      ]),
    )
    const action = confirmActionOf(preview, LIST) as string
    const alphaCaseworker = forceUserCaller(cast.alpha.users['force-caseworker'], 'force-caseworker', alphaId)
    await testApp.services.referrals.noAction(alphaCaseworker, two, { reason: 'Answered on the page' })
    const refused = await caseworker.post(action)
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('answered since the file was checked')
    expect((await statuses([one]))[one]?.status).toBe('awaiting response')
  })

  it('is for the force’s caseworkers: staff and the inspectorate are refused, and another force cannot confirm', async () => {
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    const inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    for (const agent of [staff, inspector]) {
      expect((await agent.get(`${LIST}/import`)).statusCode).toBe(403)
      expect((await agent.get(`${LIST}/import/template.xlsx`)).statusCode).toBe(403)
    }
    expect((await inspector.get(LIST)).body).not.toContain('href="/referrals/import"')
    const pending = cast.alpha.pendingImports['referral-outcomes']
    expect((await bravoCaseworker.post(`${LIST}/imports/${pending}`)).statusCode).toBe(404)
    expect((await statuses([cast.alpha.cases.referralId]))[cast.alpha.cases.referralId]?.status).toBe(
      'awaiting response',
    )
  })
})
