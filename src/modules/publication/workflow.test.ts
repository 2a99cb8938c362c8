import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, dateInputFields, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { inScope } from '../../db/tenancy.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { ForceFacts } from './facts.js'

/**
 * The publication workflow over HTTP and the service: draft → the force's factual-accuracy check →
 * approved → published (under embargo) → immutable; a correction is version 2 and both are listed.
 */

let testApp: TestApp
let cast: TwoForces
let clock = new Date('2012-12-01T09:00:00Z')
let inspectorate: Agent
let alphaCaseworker: Agent
let bravoAdmin: Agent
let anonymous: Agent
let pressReleaseId: string

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  inspectorate = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  alphaCaseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  bravoAdmin = await signedInAgent(testApp.app, cast.bravo.users['force-admin'].email)
  const { Agent } = await import('../../../test/support/agent.js')
  anonymous = new Agent(testApp.app)
})
afterAll(() => testApp.close())

const publication = () => testApp.services.publication

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ValidationError)
  return error as ValidationError
}

async function alphaPressRelease() {
  const documents = await publication().documents(SYSTEM_CALLER, { inspectionId: cast.inspection.id })
  const document = documents.find((d) => d.kind === 'press-release' && d.force?.code === cast.alpha.code)
  if (!document?.latest) throw new Error('no press release for alpha')
  return document
}

describe('generating', () => {
  it('makes a draft press release and report for each force and the national review, with hashes', async () => {
    const response = await inspectorate.post(`/publications/inspections/${cast.inspection.id}/generate`)
    expect(response.statusCode).toBe(303)
    expect((await inspectorate.get(String(response.headers.location))).body).toContain(
      '5 documents generated or checked against the records',
    )
    const documents = await publication().documents(SYSTEM_CALLER, { inspectionId: cast.inspection.id })
    expect(
      documents.map((d) => `${d.force?.code ?? 'national'} ${d.kind} ${d.latest?.status}`).sort(),
    ).toEqual([
      'cheshire force-report factual-accuracy',
      'cheshire press-release draft',
      'cleveland force-report draft',
      'cleveland press-release draft',
      'national national-review draft',
    ])
    const document = await alphaPressRelease()
    pressReleaseId = document.latest?.id as string
    expect(document.latest?.contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(document.latest?.content).toContain('Cheshire Constabulary')
    expect((document.latest?.facts as ForceFacts | undefined)?.pressRelease.forceCode).toBe('cheshire')
    // Generating again changes nothing that did not change.
    const again = await publication().generate(SYSTEM_CALLER, cast.inspection.id, { forceCode: 'cheshire' })
    expect(again.map((outcome) => outcome.result)).toEqual(['unchanged', 'unchanged'])
  })

  it('shows a draft to nobody but the inspectorate', async () => {
    expect((await inspectorate.get(`/publications/${pressReleaseId}`)).statusCode).toBe(200)
    for (const agent of [alphaCaseworker, bravoAdmin, anonymous]) {
      expect((await agent.get(`/publications/${pressReleaseId}`)).statusCode).toBe(404)
      expect((await agent.get(`/publications/${pressReleaseId}/document.md`)).statusCode).toBe(404)
      expect((await agent.get(`/api/publications/${pressReleaseId}`)).statusCode).toBe(404)
    }
  })
})

describe('the factual-accuracy check', () => {
  it('lets the force, and only the force, read and comment on its document', async () => {
    expect((await inspectorate.post(`/publications/${pressReleaseId}/send`)).statusCode).toBe(303)
    const page = await alphaCaseworker.get(`/publications/${pressReleaseId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Your comment on a matter of fact')
    const blank = await alphaCaseworker.post(`/publications/${pressReleaseId}/comments`, { comment: ' ' })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter your comment')
    const sent = await alphaCaseworker.post(`/publications/${pressReleaseId}/comments`, {
      comment: 'alphamarker: the second-job figure leaves out two withdrawn applications',
    })
    expect(sent.statusCode).toBe(303)
    expect((await alphaCaseworker.get(String(sent.headers.location))).body).toContain('Comment sent')
    // Another force sees neither the document nor the comment, and cannot comment.
    const bravo = await bravoAdmin.get(`/publications/${pressReleaseId}`)
    expect(bravo.statusCode).toBe(404)
    expect(bravo.body).not.toContain('alphamarker')
    expect(
      (await bravoAdmin.post(`/publications/${pressReleaseId}/comments`, { comment: 'x' })).statusCode,
    ).toBe(404)
    expect((await anonymous.get(`/publications/${pressReleaseId}`)).statusCode).toBe(404)
  })

  it('refuses approval while a comment is unanswered, and an answer without a reason', async () => {
    const approve = await inspectorate.post(`/publications/${pressReleaseId}/approve`)
    expect(approve.statusCode).toBe(400)
    expect(approve.body).toContain('One comment is still to be answered')
    const { comments } = await publication().version(SYSTEM_CALLER, pressReleaseId)
    const comment = comments[0]
    if (!comment) throw new Error('no comment')
    const noReason = await inspectorate.post(`/publications/comments/${comment.id}/respond`, {
      versionId: pressReleaseId,
      response: 'rejected',
      reason: '',
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Give the reason for accepting or rejecting the comment')
    const answered = await inspectorate.post(`/publications/comments/${comment.id}/respond`, {
      versionId: pressReleaseId,
      response: 'rejected',
      reason:
        'Withdrawn applications count: the data return’s definition includes every application submitted',
    })
    expect(answered.statusCode).toBe(303)
    expect((await inspectorate.get(`/publications/${pressReleaseId}`)).body).toContain('Response recorded')
    const page = await alphaCaseworker.get(`/publications/${pressReleaseId}`)
    expect(page.body).toContain('Rejected')
    expect(page.body).toContain('the data return’s definition includes every application submitted')
    expect((await inspectorate.post(`/publications/${pressReleaseId}/approve`)).statusCode).toBe(303)
    expect((await inspectorate.get(`/publications/${pressReleaseId}`)).body).toContain('Version approved')
    expect((await publication().version(SYSTEM_CALLER, pressReleaseId)).version.status).toBe('approved')
  })
})

describe('publishing under embargo', () => {
  it('keeps an embargoed version from the public until the embargo ends on the service clock', async () => {
    const form = await inspectorate.get(`/publications/${pressReleaseId}`)
    expect(form.body).toContain('name="embargoDay-month"')
    expect(form.body).not.toContain('For example, 2012-')
    const publish = (fields: Record<string, string>) =>
      inspectorate.post(`/publications/${pressReleaseId}/publish`, fields)
    const notADay = await publish({
      ...dateInputFields('embargoDay', '31', '11', '2012'),
      embargoTime: '09:00',
    })
    expect(notADay.statusCode).toBe(400)
    expect(notADay.body).toContain('Embargo date must be a real date')
    expect(notADay.body).toContain('href="#embargoDay"')
    expect(notADay.body).toMatch(/id="embargoDay-month" name="embargoDay-month" type="text" value="11"/)
    const notATime = await publish({
      ...dateInputFields('embargoDay', '11', '12', '2012'),
      embargoTime: '25:00',
    })
    expect(notATime.statusCode).toBe(400)
    expect(notATime.body).toContain('Enter the time like 00:01 or 14:30')
    expect(notATime.body).toContain('href="#embargoTime"')
    const timeOnly = await publish({ ...dateInputFields('embargoDay', '', '', ''), embargoTime: '09:00' })
    expect(timeOnly.body).toContain('Enter the embargo date, or leave the time blank')
    const past = await publish({ ...dateInputFields('embargoDay', '30', '11', '2012'), embargoTime: '09:00' })
    expect(past.statusCode).toBe(400)
    expect(past.body).toContain('The embargo must end in the future')
    // None of these published anything.
    expect((await publication().version(SYSTEM_CALLER, pressReleaseId)).version.status).toBe('approved')
    const published = await publish({
      ...dateInputFields('embargoDay', '11', '12', '2012'),
      embargoTime: '00:01',
    })
    expect(published.statusCode).toBe(303)
    expect((await inspectorate.get(String(published.headers.location))).body).toContain(
      'Published under embargo: the public sees it once the embargo ends',
    )
    const { version } = await publication().version(SYSTEM_CALLER, pressReleaseId)
    expect(version.status).toBe('published')
    // 00:01 in London in December is 00:01 GMT.
    expect(version.embargoUntil?.toISOString()).toBe('2012-12-11T00:01:00.000Z')
    expect((await anonymous.get(`/publications/${pressReleaseId}`)).statusCode).toBe(404)
    expect((await bravoAdmin.get(`/publications/${pressReleaseId}`)).statusCode).toBe(404)
    expect((await anonymous.get('/publications')).body).not.toContain(pressReleaseId)
    expect((await anonymous.get('/api/publications')).json().publications).toEqual([])

    clock = new Date('2012-12-11T00:01:00Z')
    // Sessions end on the same clock: sign in again.
    inspectorate = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    alphaCaseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    const page = await anonymous.get(`/publications/${pressReleaseId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(version.contentHash)
    expect((await anonymous.get('/publications')).body).toContain(`/publications/${pressReleaseId}`)
    const markdown = await anonymous.get(`/publications/${pressReleaseId}/document.md`)
    expect(markdown.body).toBe(version.content)
    const text = await anonymous.get(`/publications/${pressReleaseId}/document.txt`)
    expect(text.body).toContain('Cheshire Constabulary')
    expect(text.body).not.toContain('##')
    // Everything not published stays hidden: the other drafts are not on the public site.
    const api = (await anonymous.get('/api/publications')).json<{ publications: { id: string }[] }>()
    expect(api.publications.map((p) => p.id)).toEqual([pressReleaseId])
  })
})

describe('a published version', () => {
  it('cannot be changed: the service refuses first, and the database refuses a direct update', async () => {
    const regenerate = await inspectorate.post(`/publications/${pressReleaseId}/regenerate`)
    expect(regenerate.statusCode).toBe(400)
    expect(regenerate.body).toContain('Version 1 is published and cannot be changed')
    const edit = await refusal(publication().edit(SYSTEM_CALLER, pressReleaseId, { content: 'Changed' }))
    expect(edit.fieldErrors.version).toMatch(/published and cannot be changed: make a correction/)
    const again = await publication().generate(SYSTEM_CALLER, cast.inspection.id, { forceCode: 'cheshire' })
    expect(again.find((o) => o.kind === 'press-release')?.result).toBe('kept')

    // As the app's database role, in the inspectorate's scope (which row-level security lets write)...
    await expect(
      inScope(testApp.database.db, { kind: 'inspectorate' }, (tx) =>
        tx.execute(sql`update publication_versions set content = 'tampered' where id = ${pressReleaseId}`),
      ),
    ).rejects.toThrow()
    // ...and as the tables' owner, which row-level security does not bind.
    await expect(
      testApp.database.db.execute(
        sql`update publication_versions set title = 'tampered' where id = ${pressReleaseId}`,
      ),
    ).rejects.toThrow()
    await expect(
      testApp.database.db.execute(sql`delete from publication_versions where id = ${pressReleaseId}`),
    ).rejects.toThrow()
    const { version } = await publication().version(SYSTEM_CALLER, pressReleaseId)
    expect(version.content).not.toBe('tampered')
    expect(version.title).not.toBe('tampered')
  })

  it('is corrected by a new version with the change noted; both are listed with their hashes', async () => {
    const noNote = await inspectorate.post(`/publications/${pressReleaseId}/correct`, { changeNote: '' })
    expect(noNote.statusCode).toBe(400)
    const corrected = await inspectorate.post(`/publications/${pressReleaseId}/correct`, {
      changeNote: 'The headline judgement was confirmed after moderation',
    })
    expect(corrected.statusCode).toBe(303)
    const secondId = String(corrected.headers.location).replace('/publications/', '')
    const second = await publication().version(SYSTEM_CALLER, secondId)
    expect(second.version.version).toBe(2)
    expect(second.version.status).toBe('draft')
    expect(second.version.changeNote).toBe('The headline judgement was confirmed after moderation')
    // A second correction waits until version 2 is published.
    expect(
      (await inspectorate.post(`/publications/${pressReleaseId}/correct`, { changeNote: 'x' })).statusCode,
    ).toBe(400)

    await publication().sendForCheck(SYSTEM_CALLER, secondId)
    await publication().approve(SYSTEM_CALLER, secondId)
    await publication().publish(SYSTEM_CALLER, secondId)
    const page = await anonymous.get(`/publications/${secondId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Correction: The headline judgement was confirmed after moderation')
    const first = await publication().version(SYSTEM_CALLER, pressReleaseId)
    expect(page.body).toContain(first.version.contentHash)
    expect(page.body).toContain(second.version.contentHash)
    const listed = (await publication().publicVersion(secondId)).document.versions
    expect(listed.map((v) => [v.version, v.status])).toEqual([
      [2, 'published'],
      [1, 'published'],
    ])
    // The first version is still there as it was published, marked as superseded.
    const old = await anonymous.get(`/publications/${pressReleaseId}`)
    expect(old.body).toContain('A correction has been published')
  })
})

describe('the open data', () => {
  it('publishes the figures of published documents only, with a data dictionary and suppression', async () => {
    const csv = await anonymous.get(`/publications/inspections/${cast.inspection.id}/open-data.csv`)
    expect(csv.statusCode).toBe(200)
    const lines = csv.body.trim().split('\n')
    expect(lines[0]).toContain('force_code,force_name,headline_judgement,second-job-applications')
    // Only Cheshire's press release is published; Cleveland's drafts give nothing away.
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('cheshire')
    const dictionary = await anonymous.get(
      `/publications/inspections/${cast.inspection.id}/data-dictionary.csv`,
    )
    expect(dictionary.body).toContain('item_code,label,definition,unit')
    expect(dictionary.body).toContain('second-job-applications')
    const json = await anonymous.get(`/api/publications/inspections/${cast.inspection.id}/open-data`)
    const data = json.json<{ forces: { forceCode: string; figures: Record<string, unknown> }[] }>()
    expect(data.forces.map((f) => f.forceCode)).toEqual(['cheshire'])
    const compare = await anonymous.get(`/publications/inspections/${cast.inspection.id}/compare`)
    expect(compare.statusCode).toBe(200)
    expect(compare.body).toContain('Cheshire Constabulary')
    expect(compare.body).not.toContain('Cleveland Police')

    const bad = await inspectorate.post(`/publications/inspections/${cast.inspection.id}/settings`, {
      suppressUpTo: 'lots',
    })
    expect(bad.statusCode).toBe(400)
    // Suppression is on by default, at 5, and says so.
    expect(await publication().suppressUpTo(cast.inspection.id)).toBe(5)
    expect(json.json<{ suppression: { upTo: number } }>().suppression.upTo).toBe(5)
    expect(compare.body).toContain('Counts from 1 to 5 are shown as')
    // Lower needs a reason, and the reason goes into the audit trail.
    const unexplained = await inspectorate.post(`/publications/inspections/${cast.inspection.id}/settings`, {
      suppressUpTo: '2',
      reason: ' ',
    })
    expect(unexplained.statusCode).toBe(400)
    expect(unexplained.body).toContain('Say why the open data may show counts below 5')
    expect(await publication().suppressUpTo(cast.inspection.id)).toBe(5)
    const lowered = await inspectorate.post(`/publications/inspections/${cast.inspection.id}/settings`, {
      suppressUpTo: '2',
      reason: 'The forces agreed to publish counts of 3 and more',
    })
    expect(lowered.statusCode).toBe(303)
    expect((await inspectorate.get(String(lowered.headers.location))).body).toContain(
      'Open-data settings saved',
    )
    const events = await testApp.services.audit.list(
      SYSTEM_CALLER,
      { entityType: 'open-data-settings', action: 'update' },
      { offset: 0, limit: 10 },
    )
    expect(events.events[0]?.after).toMatchObject({
      suppressUpTo: 2,
      reason: 'The forces agreed to publish counts of 3 and more',
    })
    const facts = (await publication().version(SYSTEM_CALLER, pressReleaseId)).version.facts as ForceFacts
    const applications = facts.figures.find((f) => f.code === 'second-job-applications')?.value
    const suppressed = await anonymous.get(`/api/publications/inspections/${cast.inspection.id}/open-data`)
    const figure = suppressed.json<{ forces: { figures: Record<string, unknown> }[] }>().forces[0]?.figures[
      'second-job-applications'
    ]
    expect(figure).toBe(
      applications !== null && applications !== undefined && applications >= 1 && applications <= 2
        ? '*'
        : applications,
    )
  })
})

describe('templates', () => {
  it('refuses a template that does not compile, previews and saves one that does, and resets to the default', async () => {
    const broken = await inspectorate.post('/publications/templates/force-report', {
      inspection: cast.inspection.id,
      source: '# {{ force.name }\n{% if %}',
      action: 'save',
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.body).toContain('The template has an error')
    const preview = await inspectorate.post('/publications/templates/force-report', {
      inspection: cast.inspection.id,
      source:
        '# Report on {{ force.name }}\n\n{{ figures["second-job-applications"] | figure }} applications',
      action: 'preview',
    })
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toContain('Report on Cheshire Constabulary')
    const saved = await inspectorate.post('/publications/templates/force-report', {
      inspection: cast.inspection.id,
      source: '# Report on {{ force.name }}\n\nOur own words.',
      action: 'save',
    })
    expect(saved.statusCode).toBe(303)
    expect((await inspectorate.get(String(saved.headers.location))).body).toContain(
      'Template saved: documents generated from now on use it',
    )
    expect((await publication().template('force-report')).edited).toBe(true)
    const outcomes = await publication().generate(SYSTEM_CALLER, cast.inspection.id, {
      forceCode: 'cleveland',
      kinds: ['force-report'],
    })
    const report = await publication().version(SYSTEM_CALLER, outcomes[0]?.versionId as string)
    expect(report.version.content).toBe('# Report on Cleveland Police\n\nOur own words.\n')
    // Setting it back asks first, on a page linked from the edited template.
    expect((await inspectorate.get('/publications/templates/force-report')).body).toContain(
      'href="/publications/templates/force-report/reset"',
    )
    const ask = await inspectorate.get('/publications/templates/force-report/reset')
    expect(ask.statusCode).toBe(200)
    expect(ask.body).toContain('Are you sure you want to set the force report template back to the default?')
    expect(ask.body).toContain('action="/publications/templates/force-report/reset"')
    expect((await alphaCaseworker.get('/publications/templates/force-report/reset')).statusCode).toBe(403)
    expect((await publication().template('force-report')).edited).toBe(true)
    expect((await inspectorate.post('/publications/templates/force-report/reset')).statusCode).toBe(303)
    expect((await inspectorate.get('/publications/templates/force-report')).body).toContain(
      'Template set back to the default',
    )
    expect((await publication().template('force-report')).edited).toBe(false)
    // A force user may not edit templates.
    expect((await alphaCaseworker.get('/publications/templates/force-report')).statusCode).toBe(403)
  })
})
