import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { DEFAULT_PRESS_RELEASE_SETTINGS } from './settings.js'
import { PRESS_RELEASE_SETTINGS_ENTITY } from './settings-service.js'

/** An inspection's notes to editors and national finding: edited in a form, audited, stated by its releases. */

let testApp: TestApp
let cast: TwoForces
let admin: Agent
let page: string

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-12-01T09:00:00Z') }))
  admin = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  page = `/publications/inspections/${cast.inspection.id}/press-release-settings`
}, 240_000)
afterAll(() => testApp.close())

async function alphaRelease(): Promise<string> {
  await testApp.services.publication.generate(SYSTEM_CALLER, cast.inspection.id, {
    forceCode: cast.alpha.code,
  })
  const documents = await testApp.services.publication.documents(SYSTEM_CALLER, {
    inspectionId: cast.inspection.id,
  })
  const release = documents.find((d) => d.kind === 'press-release' && d.force?.code === cast.alpha.code)
  return release?.latest?.content ?? ''
}

const NOTES = [
  'The report on each force is on our website.',
  'Our press office answers on 0300 000 0000,\nfrom 9am to 5pm.',
  'Out of hours, call 07000 000 000.',
]

describe('the press releases’ notes to editors', () => {
  it('starts from the 2012 defaults, linked from the inspection’s documents page', async () => {
    const manage = await admin.get(`/publications/inspections/${cast.inspection.id}/manage`)
    expect(manage.body).toContain(`href="${page}"`)
    const form = await admin.get(page)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('These are the defaults')
    expect(form.body).toContain('press office answers enquiries on 0203 513 0600')
    expect(await alphaRelease()).toContain(`6. ${DEFAULT_PRESS_RELEASE_SETTINGS.notesToEditors[5]}`)
  })

  it('refuses a form with no notes, too many or one too long, naming the field and the paragraph, and changes nothing', async () => {
    const finding = DEFAULT_PRESS_RELEASE_SETTINGS.nationalFinding.join('\n\n')
    const cases: [Record<string, string>, string, string][] = [
      [
        { nationalFinding: finding, notesToEditors: ' \n\n ' },
        'notesToEditors',
        'Give at least one note to editors',
      ],
      [
        {
          nationalFinding: finding,
          notesToEditors: Array.from({ length: 13 }, (_, i) => `Note ${i}.`).join('\n\n'),
        },
        'notesToEditors',
        'Give at most 12 notes to editors',
      ],
      [
        { nationalFinding: finding, notesToEditors: `One.\n\nTwo.\n\n${'x'.repeat(2001)}` },
        'notesToEditors',
        'Paragraph 3: A note to editors must be 2,000 characters or fewer',
      ],
      [{ nationalFinding: '', notesToEditors: 'One.' }, 'nationalFinding', 'Give at least one paragraph'],
    ]
    for (const [body, field, message] of cases) {
      const response = await admin.post(page, body)
      expect(response.statusCode, message).toBe(400)
      expect(response.body).toContain(`href="#${field}"`)
      expect(response.body).toContain(message)
    }
    expect((await testApp.services.pressReleaseSettings.forInspection(cast.inspection.id)).edited).toBe(false)
  })

  it('saves the notes, audited, and the regenerated release states them in order', async () => {
    const response = await admin.post(page, {
      nationalFinding: 'Across the country, progress is real but slow.',
      notesToEditors: NOTES.join('\n\n'),
    })
    expect(response.statusCode).toBe(303)
    const after = await admin.get(page)
    expect(after.body).toContain('Press-release settings saved')
    expect(after.body).toContain('These are this inspection’s own')
    const release = await alphaRelease()
    expect(release).toMatch(
      /## Notes to editors\n\n1\. The report on each force is on our website\.\n2\. Our press office answers on 0300 000 0000, from 9am to 5pm\.\n3\. Out of hours, call 07000 000 000\.\n(?!4\.)/,
    )
    expect(release).not.toContain('0203 513 0600')
    const events = await testApp.services.audit.history(
      SYSTEM_CALLER,
      PRESS_RELEASE_SETTINGS_ENTITY,
      cast.inspection.id,
    )
    expect(events.map((event) => event.action)).toEqual(['update'])
    expect(events[0]?.after).toMatchObject({
      notesToEditors: [NOTES[0], 'Our press office answers on 0300 000 0000, from 9am to 5pm.', NOTES[2]],
    })
  })

  it('goes back to the defaults on request', async () => {
    const response = await admin.post(page, { action: 'reset' })
    expect(response.statusCode).toBe(303)
    expect(await alphaRelease()).toContain('0203 513 0600')
  })

  it('is for inspectorate administrators only', async () => {
    for (const agent of [
      await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email),
      new Agent(testApp.app),
    ]) {
      const read = await agent.get(page)
      expect([302, 303, 403]).toContain(read.statusCode)
      const write = await agent.post(page, { nationalFinding: 'x', notesToEditors: 'y' })
      expect([302, 303, 403]).toContain(write.statusCode)
    }
    expect(
      (await testApp.services.pressReleaseSettings.forInspection(cast.inspection.id)).notesToEditors,
    ).toEqual(DEFAULT_PRESS_RELEASE_SETTINGS.notesToEditors)
  })
})
