import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../../../test/support/demo-app.js'
import { createImportTestApp, forceUserCaller } from '../../../test/support/imports.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { DEMO_PASSWORD } from '../../demo-data.js'
import { type Caller, SYSTEM_CALLER } from '../../domain/access.js'
import { DEFAULT_SETTINGS } from '../../domain/early-intervention.js'
import { auditEvents } from '../audit/schema.js'
import { pageText } from '../roster/test-support.js'
import { PICTURE_ENTITY } from './service.js'

let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let bravoCaseworker: Agent
let alpha: Caller
let pictureOf: string
let otherPersonGiftId: string

beforeAll(async () => {
  let alphaId: number
  ;({ testApp, cast, alphaId, caseworker, bravoCaseworker } = await createImportTestApp(
    () => new Date('2012-12-31T10:00:00Z'),
  ))
  alpha = forceUserCaller(cast.alpha.users['force-caseworker'], 'force-caseworker', alphaId)
  pictureOf = `/roster/${cast.alpha.roster.staffMemberId}/integrity-picture`
  const { staffNumber } = await testApp.services.roster.find(alpha, cast.alpha.roster.staffMemberId)
  // A gift from the employer in the person's second job (the fixture's), which raises an alert.
  await testApp.services.giftsHospitality.record(alpha, {
    staffNumber,
    kind: 'gift',
    description: 'Driving lessons voucher',
    donorName: 'alphamarker Driving School',
    donorType: 'other',
    estimatedValue: '30',
    offeredOn: '2012-11-05',
    outcome: 'accepted',
  })
  // Someone else in the same force, whose gift must stay off the person's picture.
  await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: cast.alpha.code,
    filename: 'colleague.csv',
    rows: [
      {
        line: 2,
        values: {
          staff_number: 'ALPHA0002',
          name: 'Colleague Elsewhere',
          grade: 'Sergeant',
          unit: 'Roads',
          start_date: '2005-01-01',
          leave_date: '',
        },
      },
    ],
  })
  const colleagueGift = await testApp.services.giftsHospitality.record(alpha, {
    staffNumber: 'ALPHA0002',
    kind: 'gift',
    description: 'Colleague’s hamper',
    donorName: 'Someone Else Ltd',
    donorType: 'other',
    estimatedValue: '20',
    offeredOn: '2012-12-01',
    outcome: 'declined',
  })
  otherPersonGiftId = colleagueGift.id
})
afterAll(() => testApp.close())

describe('a person’s integrity picture', () => {
  it('puts every register’s records about the person on one timeline, newest first, each linking to its record', async () => {
    const [alert] = await testApp.services.alerts.forStaffMember(alpha, cast.alpha.roster.staffMemberId)
    expect(alert, 'the gift from the employer raised an alert').toBeDefined()
    const roster = await caseworker.get(`/roster/${cast.alpha.roster.staffMemberId}`)
    expect(roster.body).toContain(`href="${pictureOf}"`)

    const page = await caseworker.get(pictureOf)
    expect(page.statusCode).toBe(200)
    for (const href of [
      `/business-interests/${cast.alpha.businessInterests.businessInterestId}`,
      `/gifts-hospitality/${cast.alpha.gifts.giftId}`,
      `/media-contacts/${cast.alpha.mediaContacts.mediaContactId}`,
      `/cases/${cast.alpha.cases.caseId}`,
      `/policies/versions/${cast.alpha.policies.versionId}`,
      `/alerts/${alert?.id}`,
    ])
      expect(page.body, href).toContain(`href="${href}"`)
    const text = pageText(page.body)
    for (const kind of [
      'Second job',
      'Gift offered',
      'Hospitality offered',
      'Media contact',
      'Case as a subject',
      'Policy to acknowledge',
      'Alert',
    ])
      expect(text).toContain(kind)
    // Newest first: the alert and gift of 5 November, then the fixture's records of early 2012.
    const timeline = page.body.slice(page.body.indexOf('id="timeline"'), page.body.indexOf('id="views"'))
    const days = [...timeline.matchAll(/<tr class="govuk-table__row">\s*<td[^>]*>\s*([^<]+?)\s*<\/td>/g)].map(
      (row) => row[1],
    )
    expect(days).toHaveLength(7)
    expect(days).toEqual(expect.arrayContaining(['5 November 2012', '3 February 2012', '10 January 2012']))
    const times = days.map((day) => new Date(`${day} UTC`).getTime())
    expect(times.every((time) => !Number.isNaN(time))).toBe(true)
    expect(times).toEqual([...times].sort((a, b) => b - a))

    expect(page.body).not.toContain(otherPersonGiftId)
    expect(text).not.toContain('Colleague’s hamper')
    expect(text).not.toContain('bravomarker')

    // Once they acknowledge the policy, the request becomes an acknowledgement on the day they did.
    await testApp.services.policies.acknowledge(
      SYSTEM_CALLER,
      cast.alpha.policies.versionId,
      { read: 'yes' },
      { staffMemberId: cast.alpha.roster.staffMemberId, at: new Date('2012-12-20T12:00:00Z') },
    )
    const acknowledged = pageText((await caseworker.get(pictureOf)).body)
    expect(acknowledged).toContain('20 December 2012 Policy acknowledged')
    expect(acknowledged).not.toContain('Policy to acknowledge')
  })

  it('flags an indicator at the force’s line with a plain reason, and not below it', async () => {
    const before = pageText((await caseworker.get(pictureOf)).body)
    expect(before).toContain('2 offers of gifts or hospitality in the last 12 months')
    expect(before).not.toContain('your force’s line is')

    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const saved = await admin.post('/early-intervention', linesForm({ 'gifts-threshold': '2' }))
    expect(saved.statusCode).toBe(303)
    const after = pageText((await caseworker.get(pictureOf)).body)
    expect(after).toContain('2 offers of gifts or hospitality in the last 12 months; your force’s line is 2')
    expect(after).toContain('1 indicator is at or over your force’s line')
    // Another force's lines are its own.
    const bravoSettings = pageText((await bravoCaseworker.get('/early-intervention')).body)
    expect(bravoSettings).toContain('Flagged at 4 or more in the last 12 months')
  })

  it('records every view in the audit trail and shows who viewed it', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const viewsBefore = await pictureViews()
    const page = await admin.get(pictureOf)
    expect(await pictureViews()).toBe(viewsBefore + 1)
    const [latest] = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.entityType, PICTURE_ENTITY),
          eq(auditEvents.actorId, cast.alpha.users['force-admin'].id),
        ),
      )
    expect(latest).toMatchObject({ action: 'view', entityId: cast.alpha.roster.staffMemberId })
    const text = pageText(page.body)
    expect(text).toContain('Who viewed this picture')
    expect(text).toContain('alphamarker force-admin')
    expect(text).toContain('alphamarker force-caseworker')
  })

  it('is for the person’s own force’s caseworkers only', async () => {
    const views = await pictureViews()
    expect((await bravoCaseworker.get(pictureOf)).statusCode).toBe(404)
    const inspectorate = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    expect((await inspectorate.get(pictureOf)).statusCode).toBe(403)
    expect((await inspectorate.get('/early-intervention')).statusCode).toBe(403)
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    expect((await staff.get(pictureOf)).statusCode).toBe(403)
    expect(await pictureViews(), 'a refused view is not a view').toBe(views)
    const roster = await inspectorate.get(`/roster/${cast.alpha.roster.staffMemberId}`)
    expect(roster.statusCode).toBe(200)
    expect(roster.body).not.toContain('integrity-picture')
    // A caseworker reads the lines but does not set them.
    expect((await caseworker.post('/early-intervention', { 'gifts-threshold': '1' })).statusCode).toBe(403)
  })

  it('refuses bad lines with a clear error summary, storing none of them', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const refused = await admin.post(
      '/early-intervention',
      linesForm({
        'gifts-threshold': 'lots',
        'gifts-window': '0',
        'media-contacts-threshold': '1.5',
        'cases-threshold': '',
        'alerts-threshold': '1',
        'alerts-window': '9999',
      }),
    )
    expect(refused.statusCode).toBe(400)
    const text = pageText(refused.body)
    expect(text).toContain('There is a problem')
    for (const message of [
      'The line for gifts and hospitality offered must be a whole number',
      'The number of months for gifts and hospitality offered must be 1 or more',
      'The line for media contacts must be a whole number',
      'Enter the line for cases as a subject',
      'The number of months for alerts must be 120 or fewer',
    ])
      expect(text).toContain(message)
    expect(refused.body).toContain('href="#gifts-threshold"')
    expect(refused.body).toContain('value="lots"')
    const settings = await testApp.services.integrityPicture.settings(alpha)
    expect(settings.find((setting) => setting.indicator === 'alerts')?.threshold).toBe(3)
  })
})

/** The settings form with every indicator's default line and window, but for those given. */
function linesForm(changes: Record<string, string>): Record<string, string> {
  const defaults = DEFAULT_SETTINGS.flatMap((setting) => [
    [`${setting.indicator}-threshold`, String(setting.threshold)],
    [`${setting.indicator}-window`, String(setting.window)],
  ])
  return { ...Object.fromEntries(defaults), ...changes }
}

describe('the demo', () => {
  let demo: TestApp
  beforeAll(async () => {
    demo = await createDemoTestApp('as_at')
  }, DEMO_APP_TIMEOUT_MS)
  afterAll(() => demo.close())

  it('shows the demo officer over a line on their picture, as at the demo’s day', async () => {
    const cheshire = (await demo.services.forces.references()).find((force) => force.code === 'cheshire')
    const officer = (
      await demo.services.roster.findByStaffNumbers(SYSTEM_CALLER, cheshire?.id ?? 0, ['CH0903'])
    ).get('CH0903')
    const caseworker = await signedInAgent(demo.app, 'caseworker@cheshire.example', DEMO_PASSWORD)
    const text = pageText((await caseworker.get(`/roster/${officer?.id}/integrity-picture`)).body)
    expect(text).toContain('Over the line')
    expect(text).toMatch(/\d+ alerts in the last 12 months; your force’s line is 3/)
    expect(text).toContain('Radio Systems')
  })
})

async function pictureViews(): Promise<number> {
  const rows = await testApp.database.db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.entityType, PICTURE_ENTITY),
        eq(auditEvents.entityId, cast.alpha.roster.staffMemberId),
        eq(auditEvents.action, 'view'),
      ),
    )
  return rows.length
}

describe('in Welsh', () => {
  it('shows the picture, its indicators and timeline, and the lines with their errors in Welsh', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const picture = await welsh.get(pictureOf)
    expect(picture.body).toMatch(/<html lang="cy"/)
    const text = pageText(picture.body)
    expect(text).toContain('Dangosyddion ymyrraeth gynnar')
    expect(text).toContain('cynnig o rodd neu letygarwch yn ystod y 12 mis diwethaf')
    expect(text).toContain('Rhodd a gynigiwyd')
    // A record's line is the catalogue's words around the record's own: the donor and value in place.
    expect(text).toContain('Driving lessons voucher gan alphamarker Driving School, £30.00')
    expect(text).not.toMatch(
      /Early-intervention indicators|offers of gifts|Gift offered|Who viewed| from alphamarker/,
    )
    const welshAdmin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    await welshAdmin.chooseLanguage('cy')
    const refused = await welshAdmin.post('/early-intervention', linesForm({ 'gifts-threshold': '' }))
    expect(refused.statusCode).toBe(400)
    const errors = pageText(refused.body)
    expect(errors).toContain('Rhowch y llinell ar gyfer rhoddion a lletygarwch a gynigiwyd')
    expect(errors).toContain('Llinellau ymyrraeth gynnar')
    expect(errors).not.toMatch(/Enter the line|Early-intervention lines|Flag at this many/)
    const bravoSettings = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
    await bravoSettings.chooseLanguage('cy')
    expect(pageText((await bravoSettings.get('/early-intervention')).body)).toContain(
      'Caiff ei nodi ar 4 neu fwy yn ystod y 12 mis diwethaf.',
    )
  })
})
