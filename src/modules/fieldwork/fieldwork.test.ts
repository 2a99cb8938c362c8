import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildFieldworkCast, type FieldworkCast } from '../../../test/support/fieldwork-cast.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'

let testApp: TestApp
let cast: TwoForces
let fw: FieldworkCast
let clock = new Date('2012-07-10T09:00:00Z')

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  fw = await buildFieldworkCast(testApp.services, cast)
})
afterAll(() => testApp.close())

const fieldwork = () => testApp.services.fieldwork
const tick = () => {
  clock = new Date(clock.getTime() + 60_000)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a refusal')
}

async function formError(promise: Promise<unknown>, field = 'form'): Promise<string | undefined> {
  const error = await rejection(promise)
  expect(error).toBeInstanceOf(ValidationError)
  return (error as ValidationError).fieldErrors[field]
}

describe('evidence notes and findings', () => {
  it('keeps notes per area with their author and time', async () => {
    const { lead, second, revisit } = fw
    await fieldwork().addNote(lead.caller, revisit.id, 'cheshire', {
      area: 'media',
      note: 'Read the media policy (v3, March 2012)',
    })
    tick()
    await fieldwork().addNote(second.caller, revisit.id, 'cheshire', {
      area: 'media',
      note: 'Focus group with press officers',
    })
    await fieldwork().addNote(lead.caller, revisit.id, 'cheshire', {
      area: 'gifts',
      note: 'Sampled twenty register entries',
    })
    const page = await fieldwork().fieldwork(lead.caller, revisit.id, 'cheshire')
    expect(page.areas.map((a) => a.area.code)).toEqual(['media', 'gifts'])
    expect(page.areas[0]?.notes.map((n) => [n.note, n.authorLabel])).toEqual([
      ['Read the media policy (v3, March 2012)', 'Lena Lead-Inspector'],
      ['Focus group with press officers', 'Sean Second-Inspector'],
    ])
    expect(page.areas[0]?.notes[1]?.createdAt.toISOString()).toBe('2012-07-10T09:01:00.000Z')
    expect(page.areas[1]?.notes).toHaveLength(1)
    // Another force's fieldwork is apart.
    const other = await fieldwork().fieldwork(lead.caller, revisit.id, 'cleveland')
    expect(other.areas.flatMap((a) => a.notes)).toEqual([])
  })

  it('refuses a blank note and an area that is not the framework’s', async () => {
    expect(
      await formError(
        fieldwork().addNote(fw.lead.caller, fw.revisit.id, 'cheshire', { area: 'media', note: ' ' }),
        'note',
      ),
    ).toBe('Enter the evidence note')
    expect(
      await formError(
        fieldwork().addNote(fw.lead.caller, fw.revisit.id, 'cheshire', { area: 'nowhere', note: 'x' }),
        'area',
      ),
    ).toMatch(/area of the inspection/)
  })

  it('adds, edits, reorders and deletes findings, in the order the report states them', async () => {
    const { lead, revisit } = fw
    const add = (area: string, kind: string, text: string) =>
      fieldwork().addFinding(lead.caller, revisit.id, 'cheshire', { area, kind, text })
    const first = await add('media', 'strength', 'Media policy in line with guidance')
    const second = await add('media', 'area for improvement', 'Staff unaware of the new policy')
    const third = await add('media', 'cause of concern', 'Contacts not logged')
    const gifts = await add('gifts', 'strength', 'Register published monthly')
    expect([first.position, second.position, third.position, gifts.position]).toEqual([1, 2, 3, 1])

    await fieldwork().moveFinding(lead.caller, revisit.id, 'cheshire', third.id, { direction: 'up' })
    await fieldwork().moveFinding(lead.caller, revisit.id, 'cheshire', first.id, { direction: 'up' }) // already first
    const texts = async () =>
      (
        await fieldwork().findingsFor(
          lead.caller,
          await testApp.services.inspections.assessment(lead.caller, revisit.id, 'cheshire'),
        )
      ).map((f) => `${f.area.code}:${f.text}`)
    expect(await texts()).toEqual([
      'media:Media policy in line with guidance',
      'media:Contacts not logged',
      'media:Staff unaware of the new policy',
      'gifts:Register published monthly',
    ])
    await fieldwork().moveFinding(lead.caller, revisit.id, 'cheshire', first.id, { direction: 'down' })
    await fieldwork().editFinding(lead.caller, revisit.id, 'cheshire', third.id, {
      kind: 'area for improvement',
      text: 'Some contacts not logged',
    })
    await fieldwork().deleteFinding(lead.caller, revisit.id, 'cheshire', second.id)
    expect(await texts()).toEqual([
      'media:Some contacts not logged',
      'media:Media policy in line with guidance',
      'gifts:Register published monthly',
    ])
    const assessment = await testApp.services.inspections.assessment(lead.caller, revisit.id, 'cheshire')
    const report = await fieldwork().findingsFor(lead.caller, assessment)
    expect(report[0]).toMatchObject({
      kind: 'area for improvement',
      area: { code: 'media', title: 'Relationships with the media' },
    })

    // Audited, without a force (a force's own trail never shows the inspectorate's fieldwork).
    const history = await testApp.services.audit.history(SYSTEM_CALLER, 'finding', third.id)
    expect(history.map((e) => e.action)).toEqual(['create', 'move-up', 'update'])
    expect(history.every((e) => e.forceId === null)).toBe(true)
    expect(
      (await testApp.services.audit.history(SYSTEM_CALLER, 'finding', first.id)).map((e) => e.action),
    ).toEqual(['create', 'move-down'])
    expect(history[2]?.before).toMatchObject({ text: 'Contacts not logged' })
    expect((await testApp.services.audit.history(SYSTEM_CALLER, 'finding', second.id)).at(-1)?.action).toBe(
      'delete',
    )

    // A finding of one force cannot be reached through another's page.
    expect(
      await rejection(fieldwork().deleteFinding(lead.caller, revisit.id, 'cleveland', first.id)),
    ).toBeInstanceOf(NotFoundError)
    expect(
      await rejection(fieldwork().finding(lead.caller, revisit.id, 'cheshire', 'not-a-uuid')),
    ).toBeInstanceOf(NotFoundError)
    expect(
      await formError(
        fieldwork().addFinding(lead.caller, revisit.id, 'cheshire', {
          area: 'media',
          kind: 'opinion',
          text: 'x',
        }),
        'kind',
      ),
    ).toBe('Select the kind of finding')
  })

  it('is not found for any force user, and refused to anyone but inspectors', async () => {
    for (const caller of [fw.alpha['force-admin'], fw.alpha['force-caseworker'], fw.bravo['force-admin']]) {
      expect(await rejection(fieldwork().fieldwork(caller, fw.revisit.id, 'cheshire'))).toBeInstanceOf(
        NotFoundError,
      )
      expect(
        await rejection(fieldwork().addNote(caller, fw.revisit.id, 'cheshire', { area: 'media', note: 'x' })),
      ).toBeInstanceOf(NotFoundError)
    }
    const assessment = await testApp.services.inspections.assessment(
      fw.lead.caller,
      fw.revisit.id,
      'cheshire',
    )
    expect(await rejection(fieldwork().findingsFor(fw.alpha['force-admin'], assessment))).toBeInstanceOf(
      NotFoundError,
    )
    expect(await fieldwork().judgementsFor(fw.alpha['force-admin'], fw.revisit.id)).toEqual(new Map())
    const anonymous: Caller = {
      principal: null,
      actor: { type: 'anonymous', id: null, label: 'anonymous', ipAddress: null },
      scope: { kind: 'public' },
    }
    expect(await rejection(fieldwork().fieldwork(anonymous, fw.revisit.id, 'cheshire'))).toBeInstanceOf(
      NotFoundError,
    )
  })
})

describe('the headline judgement and its moderation', () => {
  it('is proposed by one inspector and confirmed only by another', async () => {
    const { lead, second, revisit } = fw
    expect(
      await formError(
        fieldwork().proposeJudgement(lead.caller, revisit.id, 'cleveland', {
          judgement: 'outstanding',
          rationale: 'x',
        }),
        'judgement',
      ),
    ).toMatch(/framework’s scale/)
    expect(await formError(fieldwork().confirmJudgement(second.caller, revisit.id, 'cleveland'))).toBe(
      'There is no proposed judgement to moderate',
    )

    const proposed = await fieldwork().proposeJudgement(lead.caller, revisit.id, 'cleveland', {
      judgement: 'some improvements',
      rationale: 'Policies reviewed; awareness low',
    })
    expect(proposed).toMatchObject({ status: 'proposed', proposedByLabel: 'Lena Lead-Inspector' })
    expect(await formError(fieldwork().confirmJudgement(lead.caller, revisit.id, 'cleveland'))).toBe(
      'You proposed this judgement: another inspector must confirm it',
    )
    const assessment = await testApp.services.inspections.assessment(lead.caller, revisit.id, 'cleveland')
    expect(await fieldwork().headlineOf(lead.caller, assessment)).toBeNull()

    tick()
    const confirmed = await fieldwork().confirmJudgement(second.caller, revisit.id, 'cleveland', {
      note: 'Agreed at moderation panel',
    })
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      judgement: 'some improvements',
      moderatedByLabel: 'Sean Second-Inspector',
      moderationNote: 'Agreed at moderation panel',
    })
    expect(await fieldwork().headlineOf(lead.caller, assessment)).toBe('some improvements')
    expect(await fieldwork().judgementOf(lead.caller, assessment)).toMatchObject({
      status: 'confirmed',
      proposedByLabel: 'Lena Lead-Inspector',
    })
    const overview = await fieldwork().judgementsFor(lead.caller, revisit.id)
    expect(overview.get(assessment.force.id)).toEqual({ judgement: 'some improvements', status: 'confirmed' })

    // Confirmed stands: no new proposal until it is reopened, with a reason.
    expect(
      await formError(
        fieldwork().proposeJudgement(second.caller, revisit.id, 'cleveland', {
          judgement: 'improvements',
          rationale: 'x',
        }),
      ),
    ).toMatch(/reopen it/)
    expect(
      await formError(
        fieldwork().reopenJudgement(second.caller, revisit.id, 'cleveland', { reason: '' }),
        'reason',
      ),
    ).toBe('Enter why the judgement is reopened')
    const reopened = await fieldwork().reopenJudgement(second.caller, revisit.id, 'cleveland', {
      reason: 'New evidence on the ACU',
    })
    expect(reopened).toMatchObject({ status: 'proposed', proposedBy: proposed.proposedBy, moderatedBy: null })
    expect(await fieldwork().headlineOf(lead.caller, assessment)).toBeNull()
    // Still the lead's proposal: the lead still cannot confirm it.
    expect(await formError(fieldwork().confirmJudgement(lead.caller, revisit.id, 'cleveland'))).toMatch(
      /another inspector/,
    )
    await fieldwork().confirmJudgement(second.caller, revisit.id, 'cleveland')

    const history = await fieldwork().judgementHistory(lead.caller, assessment)
    expect(history.map((e) => [e.action, e.actorLabel])).toEqual([
      ['propose', 'Lena Lead-Inspector'],
      ['confirm', 'Sean Second-Inspector'],
      ['reopen', 'Sean Second-Inspector'],
      ['confirm', 'Sean Second-Inspector'],
    ])
    expect(history.every((e) => e.forceId === null)).toBe(true)
  })

  it('is returned with a note by another inspector, and proposed again', async () => {
    const { lead, second, revisit } = fw
    await fieldwork().proposeJudgement(second.caller, revisit.id, 'cheshire', {
      judgement: 'good progress',
      rationale: 'Strong policies',
    })
    expect(
      await formError(fieldwork().returnJudgement(second.caller, revisit.id, 'cheshire', { note: 'x' })),
    ).toMatch(/another inspector must moderate it/)
    expect(
      await formError(fieldwork().returnJudgement(lead.caller, revisit.id, 'cheshire', { note: '' }), 'note'),
    ).toBe('Enter why the judgement is returned')
    const returned = await fieldwork().returnJudgement(lead.caller, revisit.id, 'cheshire', {
      note: 'Awareness is too low for good progress',
    })
    expect(returned).toMatchObject({
      status: 'returned',
      moderationNote: 'Awareness is too low for good progress',
    })
    expect(await formError(fieldwork().confirmJudgement(lead.caller, revisit.id, 'cheshire'))).toBe(
      'There is no proposed judgement to moderate',
    )
    expect(
      await formError(fieldwork().reopenJudgement(lead.caller, revisit.id, 'cheshire', { reason: 'x' })),
    ).toBe('Only a confirmed judgement can be reopened')
    const again = await fieldwork().proposeJudgement(second.caller, revisit.id, 'cheshire', {
      judgement: 'improvements',
      rationale: 'Strong policies; awareness still to improve',
    })
    expect(again).toMatchObject({ status: 'proposed', moderatedBy: null, moderationNote: null })
    const confirmed = await fieldwork().confirmJudgement(lead.caller, revisit.id, 'cheshire')
    expect(confirmed).toMatchObject({ status: 'confirmed', judgement: 'improvements' })
  })

  it('needs a signed-in inspector: an API token or the command line cannot moderate', async () => {
    expect(
      await rejection(
        fieldwork().proposeJudgement(SYSTEM_CALLER, fw.revisit.id, 'cleveland', {
          judgement: 'improvements',
          rationale: 'x',
        }),
      ),
    ).toBeInstanceOf(ForbiddenError)
  })

  it('refuses changes once the inspection is closed', async () => {
    await testApp.services.inspections.setStatus(SYSTEM_CALLER, fw.review.id, 'closed')
    expect(
      await formError(
        fieldwork().addNote(fw.lead.caller, fw.review.id, 'cheshire', { area: 'media', note: 'Late note' }),
      ),
    ).toMatch(/closed/)
    // Reading still works.
    expect((await fieldwork().fieldwork(fw.lead.caller, fw.review.id, 'cheshire')).areas).toHaveLength(2)
    await testApp.services.inspections.setStatus(SYSTEM_CALLER, fw.review.id, 'open')
  })
})
