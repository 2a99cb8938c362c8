import { Readable } from 'node:stream'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import {
  confirmActionOf,
  createImportTestApp,
  csvUpload,
  forceUserCaller,
} from '../../../test/support/imports.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { queryRows } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, SYSTEM_CALLER } from '../../domain/access.js'
import { ALERT_RULE_NAMES, ALERT_RULES, ALERT_STATUSES, type AlertRule } from '../../domain/alert-rules.js'
import { REQUIRED_IMPORT_COLUMNS } from '../gifts-hospitality/fields.js'
import { giftsCsv } from '../gifts-hospitality/test-support.js'
import { SUPPLIER_COLUMNS } from '../organisations/suppliers-import.js'
import { staffMembers } from '../roster/schema.js'
import { pageText } from '../roster/test-support.js'

let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let bravoCaseworker: Agent
let alpha: Caller
let alphaId: number
let member: { staffNumber: string; unit: string; name: string }

beforeAll(async () => {
  ;({ testApp, cast, alphaId, caseworker, bravoCaseworker } = await createImportTestApp(
    () => new Date('2012-12-31T10:00:00Z'),
  ))
  alpha = forceUserCaller(cast.alpha.users['force-caseworker'], 'force-caseworker', alphaId)
  const [row] = await testApp.database.db
    .select()
    .from(staffMembers)
    .where(eq(staffMembers.id, cast.alpha.roster.staffMemberId))
  member = row as typeof member
})
afterAll(() => testApp.close())

const gift = (donorName: string, offeredOn: string, donorType = 'supplier', value = '40') =>
  testApp.services.giftsHospitality.record(alpha, {
    staffNumber: member.staffNumber,
    kind: 'hospitality',
    description: 'Dinner',
    donorName,
    donorType,
    estimatedValue: value,
    offeredOn,
    outcome: 'accepted',
  })

/** Every rule on, with offers from one donor counted 2 or more within 200 days. */
const RULE_SETTINGS = {
  'gift-from-employer-enabled': 'yes',
  'gift-from-supplier-to-managing-unit-enabled': 'yes',
  'media-hospitality-near-leak-investigation-enabled': 'yes',
  'media-hospitality-near-leak-investigation-windowDays': '30',
  'business-interest-in-supplier-enabled': 'yes',
  'repeated-gifts-from-one-donor-enabled': 'yes',
  'repeated-gifts-from-one-donor-threshold': '2',
  'repeated-gifts-from-one-donor-windowDays': '200',
}

const openAlerts = async (rule: AlertRule) =>
  (await testApp.services.alerts.queue(alpha)).filter((alert) => alert.rule === rule)

describe('correlation rules', () => {
  it('raises an alert when a gift comes from the employer in the recipient’s second job', async () => {
    await testApp.services.businessInterests.record(alpha, {
      staffNumber: member.staffNumber,
      submittedOn: '2012-02-01',
      nature: 'Weekend radio fitter',
      category: 'paid employment',
      employer: 'Radio Systems Ltd',
      hoursPerWeek: '8',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
    expect(await openAlerts('gift-from-employer')).toEqual([])
    await gift('RADIO SYSTEMS PLC', '2012-05-01')
    const [alert, ...more] = await openAlerts('gift-from-employer')
    expect(more).toEqual([])
    expect(alert?.reason).toBe(
      `Radio Systems Ltd offered ${member.name} (${member.staffNumber}) hospitality (Dinner, £40.00, accepted) on 1 May 2012, and employs them in a second job: Weekend radio fitter (submitted, applied for on 1 February 2012).`,
    )
    const queue = pageText((await caseworker.get('/alerts')).body)
    expect(queue).toContain('Gift from an organisation that employs the recipient in a second job')
  })

  it('raises alerts when the supplier list shows the employer and donor supplies the recipient’s unit', async () => {
    const preview = await caseworker.upload(
      '/organisations/suppliers/import',
      csvUpload('suppliers.csv', SUPPLIER_COLUMNS, [
        ['Radio Systems plc', '01234567', 'C-100', 'Radio maintenance', member.unit.toUpperCase()],
      ]),
    )
    expect(
      (await caseworker.post(confirmActionOf(preview, '/organisations/suppliers') as string)).statusCode,
    ).toBe(200)
    const [interest] = await openAlerts('business-interest-in-supplier')
    expect(interest?.reason).toContain(
      `has a second job with Radio Systems Ltd: Weekend radio fitter (submitted, applied for on 1 February 2012), and Radio Systems Ltd supplies the force (contract C-100, managed by ${member.unit.toUpperCase()})`,
    )
    const [unitGift] = await openAlerts('gift-from-supplier-to-managing-unit')
    expect(unitGift?.reason).toContain(
      `and their unit (${member.unit}) manages its contract C-100 (Radio maintenance).`,
    )
  })

  it('raises an alert for media hospitality around a leak investigation’s dates, not long before or after', async () => {
    const leak = await testApp.services.integrityCases.open(alpha, {
      type: 'inappropriate disclosure to the media',
      source: 'internal',
      openedOn: '2012-06-20',
      summary: 'Custody details in the Evening Echo',
    })
    await gift('Evening Echo', '2012-06-10', 'media')
    await gift('Evening Echo', '2012-01-10', 'media')
    await gift('Valley Gazette', '2012-09-01', 'media')
    await testApp.services.giftsHospitality.record(alpha, {
      staffNumber: member.staffNumber,
      kind: 'gift',
      description: 'A pen',
      donorName: 'Coast FM',
      donorType: 'media',
      estimatedValue: '5',
      offeredOn: '2012-06-21',
      outcome: 'declined',
    })
    const aboutLeak = async () =>
      (await openAlerts('media-hospitality-near-leak-investigation')).filter((alert) =>
        alert.records.some((record) => record.id === leak.id),
      )
    // Only the hospitality in June: January's is long before, September's long after it opened, and a
    // gift (not hospitality) does not count.
    const [june, ...more] = await aboutLeak()
    expect(more).toEqual([])
    expect(june?.reason).toMatch(
      /\) on 10 June 2012, 10 days before the leak investigation \S+ was opened \(20 June 2012\)\.$/,
    )
  })

  it('raises one alert when one donor’s offers reach the threshold within the window', async () => {
    await gift('Acme Catering', '2012-03-01')
    await gift('Acme Catering Ltd', '2012-04-01')
    expect(await openAlerts('repeated-gifts-from-one-donor')).toEqual([])
    await gift('ACME CATERING', '2012-11-01', 'supplier', '12.50')
    await gift('Acme Catering', '2012-11-02')
    const [alert, ...more] = await openAlerts('repeated-gifts-from-one-donor')
    expect(more).toEqual([])
    expect(alert?.reason).toBe(
      `Acme Catering offered ${member.name} (${member.staffNumber}) gifts or hospitality 3 times in the 365 days to 1 November 2012, worth £92.50 in all (the force looks at 3 or more).`,
    )
    expect(alert?.records).toHaveLength(3)
  })

  it('raises the employer rule’s alert when a caseworker merges the donor into the employer', async () => {
    await testApp.services.businessInterests.record(alpha, {
      staffNumber: member.staffNumber,
      submittedOn: '2012-03-01',
      nature: 'Boat repairs',
      category: 'paid employment',
      employer: 'Harbour Marine Ltd',
      hoursPerWeek: '4',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
    await gift('Quayside Boatworks', '2012-06-01')
    const boatRepairs = async () =>
      (await openAlerts('gift-from-employer')).filter((alert) => alert.reason.includes('Boat repairs'))
    expect(await boatRepairs()).toEqual([])
    const [employer] = await testApp.services.organisations.list(alpha, 'Harbour Marine')
    const [donor] = await testApp.services.organisations.list(alpha, 'Quayside Boatworks')
    if (!employer || !donor) throw new Error('the two names made no organisations')
    // The merge renames the donor's names alone: the alert comes from the staff whose records carry them.
    await testApp.services.organisations.decide(alpha, employer.id, donor.id, true)
    const raised = await boatRepairs()
    expect(raised.map((alert) => alert.reason.split(' offered')[0])).toEqual(['Harbour Marine Ltd'])
    // Only the trigger runs the rules for names: the app's role may not call it, for any force.
    const called = await inScope(testApp.database.db, { kind: 'inspectorate' }, (tx) =>
      tx.execute(sql`select probity_raise_alerts_for_name_keys(1, array['harbour marine'])`),
    ).catch((error: unknown) => String((error as { cause?: unknown }).cause ?? error))
    expect(called).toMatch(/permission denied/)
  })

  it('lets the force administrator change a rule’s settings, and refuses a bad one or a caseworker', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const page = await admin.get('/alerts/rules')
    expect(page.statusCode).toBe(200)
    const settings = { ...RULE_SETTINGS, 'repeated-gifts-from-one-donor-threshold': '1' }
    const refused = await admin.post('/alerts/rules', settings)
    expect(refused.statusCode).toBe(400)
    expect(pageText(refused.body)).toContain('The number of offers must be 2 or more')
    expect((await caseworker.post('/alerts/rules', settings)).statusCode).toBe(403)
    // Two offers within 200 days: Evening Echo's (January and June) now raise one; Acme's 2012 alert stands.
    const saved = await admin.post('/alerts/rules', RULE_SETTINGS)
    expect(saved.statusCode).toBe(303)
    const repeated = await openAlerts('repeated-gifts-from-one-donor')
    expect(repeated.map((alert) => alert.reason.split(' offered')[0]).sort()).toEqual([
      'Acme Catering',
      'Evening Echo',
    ])
    expect(repeated.find((alert) => alert.reason.startsWith('Evening Echo'))?.reason).toContain(
      '2 times in the 200 days',
    )
  })

  it('assesses, dismisses with a reason and opens a case; a dismissed alert is not raised again', async () => {
    const [employer] = await openAlerts('gift-from-employer')
    const [unit] = await openAlerts('gift-from-supplier-to-managing-unit')
    const [leak] = await openAlerts('media-hospitality-near-leak-investigation')
    const page = await caseworker.get(`/alerts/${employer?.id}`)
    expect(pageText(page.body)).toContain(employer?.reason)
    expect(page.body).toContain(`href="/roster/${cast.alpha.roster.staffMemberId}"`)

    const noReason = await caseworker.post(`/alerts/${employer?.id}`, { action: 'dismiss', note: '' })
    expect(noReason.statusCode).toBe(400)
    expect(pageText(noReason.body)).toContain('Give the reason for dismissing the alert')
    expect(
      (await caseworker.post(`/alerts/${employer?.id}`, { action: 'dismiss', note: 'Declared and approved' }))
        .statusCode,
    ).toBe(303)
    expect(
      (await caseworker.post(`/alerts/${unit?.id}`, { action: 'assess', note: 'Asked the unit head' }))
        .statusCode,
    ).toBe(303)
    const opened = await caseworker.post(`/alerts/${leak?.id}`, { action: 'case', note: '' })
    expect(opened.statusCode).toBe(303)
    expect(opened.headers.location).toMatch(/^\/cases\/[0-9a-f-]{36}$/)
    const casePage = pageText((await caseworker.get(opened.headers.location as string)).body)
    expect(casePage).toContain('From an alert: Evening Echo (the media) offered')

    const run = await testApp.services.alerts.runAll(SYSTEM_CALLER)
    expect(run.reduce((sum, row) => sum + row.raised, 0)).toBe(0)
    const counts = await testApp.services.alerts.counts(alpha)
    expect(counts).toMatchObject({ dismissed: 1, assessed: 1, 'case opened': 1 })
    expect(pageText((await caseworker.get('/alerts?status=dismissed')).body)).toContain(employer?.reason)
    expect((await caseworker.get('/alerts?status=nonsense')).statusCode).toBe(404)
  })

  it('shows the alerts, an alert and the rules in Welsh when Welsh is chosen, the found reasons marked as English', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    await welsh.chooseLanguage('cy')
    const queue = await welsh.get('/alerts?status=assessed')
    expect(queue.body).toMatch(/<html lang="cy"/)
    expect(queue.body).toContain('<h1 class="govuk-heading-xl">Rhybuddion</h1>')
    expect(queue.body).toContain('Rhodd gan gyflenwr y mae uned y derbynnydd yn rheoli ei gontract')
    expect(queue.body).toMatch(/<td class="govuk-table__cell"\s*lang="en">/)
    expect(queue.body).not.toContain('Member of staff')
    const [alert] = await testApp.services.alerts.queue(alpha, 'assessed')
    const page = await welsh.get(`/alerts/${alert?.id}`)
    expect(page.body).toContain('Beth ydych chi am ei wneud?')
    const empty = await welsh.post(`/alerts/${alert?.id}`, { action: 'dismiss', note: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Rhowch y rheswm dros wrthod y rhybudd')
    const rules = await welsh.post('/alerts/rules', {
      ...RULE_SETTINGS,
      'repeated-gifts-from-one-donor-threshold': '1',
    })
    expect(rules.statusCode).toBe(400)
    expect(rules.body).toContain('Rhaid i nifer y cynigion fod yn 2 neu fwy')
    expect(rules.body).not.toContain('Alert rules')
  })

  it('keeps another force out: 404 for Bravo, 403 for the inspectorate and staff', async () => {
    const [alert] = await testApp.services.alerts.queue(alpha, 'assessed')
    expect((await bravoCaseworker.get(`/alerts/${alert?.id}`)).statusCode).toBe(404)
    expect(
      (await bravoCaseworker.post(`/alerts/${alert?.id}`, { action: 'dismiss', note: 'x' })).statusCode,
    ).toBe(404)
    expect(pageText((await bravoCaseworker.get('/alerts?status=assessed')).body)).toContain(
      'No assessed alerts',
    )
    const inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    for (const path of ['/alerts', '/alerts/rules', `/alerts/${alert?.id}`])
      expect((await inspector.get(path)).statusCode).toBe(403)
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    expect((await staff.get(`/alerts/${alert?.id}`)).statusCode).toBe(403)
  })
  it('withdraws an open alert when the records behind it change or go, and opens it again when it holds again', async () => {
    const secondJob = (employer: string) =>
      testApp.services.businessInterests.record(alpha, {
        staffNumber: member.staffNumber,
        submittedOn: '2012-03-01',
        nature: 'Boat repairs',
        category: 'paid employment',
        employer,
        hoursPerWeek: '4',
        paid: 'yes',
        conflictDeclaration: 'None',
      })
    const job = await secondJob('Harbour Boats Ltd')
    const offer = await gift('Harbour Boats', '2012-07-01', 'other')
    const alertAboutOffer = async () =>
      (await testApp.services.alerts.forStaffMember(alpha, cast.alpha.roster.staffMemberId)).find(
        (alert) => alert.rule === 'gift-from-employer' && alert.subjectKey === offer.id,
      )
    expect((await alertAboutOffer())?.status).toBe('open')

    await testApp.services.businessInterests.withdraw(alpha, job.id)
    const withdrawn = await alertAboutOffer()
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      decisionNote: expect.stringContaining('No longer applies'),
    })
    expect(pageText((await caseworker.get('/alerts?status=withdrawn')).body)).toContain(withdrawn?.reason)
    const refused = await caseworker.post(`/alerts/${withdrawn?.id}`, { action: 'assess', note: 'Looked' })
    expect(refused.statusCode).toBe(400)
    expect(pageText(refused.body)).toContain('This alert was withdrawn: the rules no longer find it')

    await secondJob('HARBOUR BOATS PLC')
    expect(await alertAboutOffer()).toMatchObject({ id: withdrawn?.id, status: 'open', decisionNote: null })

    // A record removed (as a retention schedule would) takes its open alert with it.
    await testApp.database.db.execute(sql`delete from gifts_hospitality where id = ${offer.id}`)
    expect((await alertAboutOffer())?.status).toBe('withdrawn')
    const run = await testApp.services.alerts.runAll(SYSTEM_CALLER)
    expect(run.reduce((sum, row) => sum + row.raised, 0)).toBe(0)
    expect((await alertAboutOffer())?.status).toBe('withdrawn')

    // A rule the force turns off withdraws its open alerts; turned on again, they open again.
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const repeated = await openAlerts('repeated-gifts-from-one-donor')
    expect(repeated).toHaveLength(2)
    const off = { ...RULE_SETTINGS, 'repeated-gifts-from-one-donor-enabled': '' }
    expect((await admin.post('/alerts/rules', off)).statusCode).toBe(303)
    expect(await openAlerts('repeated-gifts-from-one-donor')).toEqual([])
    expect((await admin.post('/alerts/rules', RULE_SETTINGS)).statusCode).toBe(303)
    expect((await openAlerts('repeated-gifts-from-one-donor')).map((alert) => alert.id).sort()).toEqual(
      repeated.map((alert) => alert.id).sort(),
    )
  })

  it('raises the repeated-gifts alert when the offers come in one import from a donor never seen before', async () => {
    // The import's one statement makes the donor's organisation and then runs the rules for its staff:
    // the rules must find the organisation made by that same statement.
    const offer = (offeredOn: string) => [
      member.staffNumber,
      'gift',
      'Hamper',
      'Quayside Events',
      'supplier',
      '30',
      offeredOn,
      'accepted',
    ]
    const offers = [offer('2012-05-01'), offer('2012-06-01'), offer('2012-07-01')]
    const file = giftsCsv(offers, REQUIRED_IMPORT_COLUMNS)
    const imported = await testApp.services.giftsHospitality.importStream(alpha, {
      forceCode: 'cheshire',
      filename: 'quayside.csv',
      source: Readable.from([Buffer.from(file)]),
    })
    expect(imported.added).toBe(3)
    const raised = (await openAlerts('repeated-gifts-from-one-donor')).filter((alert) =>
      alert.reason.startsWith('Quayside Events offered'),
    )
    // The force's settings by now (RULE_SETTINGS): 2 offers within 200 days.
    expect(raised.map((alert) => alert.records.length)).toEqual([2])
    expect(raised[0]?.reason).toContain('2 times in the 200 days to 1 June 2012')
  })

  it('shows the inspectorate each force’s alert counts by rule and status, never whose, and a force its own', async () => {
    const inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    const page = await inspector.get(`/forces/${cast.alpha.code}/monitoring`)
    expect(page.statusCode).toBe(200)
    const text = pageText(page.body)
    // Each rule's row holds the counts the force's own queue shows, status by status.
    const statusesOf = async (rule?: AlertRule) => {
      const counts = []
      for (const status of ALERT_STATUSES)
        counts.push(
          (await testApp.services.alerts.queue(alpha, status)).filter((alert) => !rule || alert.rule === rule)
            .length,
        )
      return counts.join(' ')
    }
    for (const rule of ALERT_RULE_NAMES)
      expect(text).toContain(`${ALERT_RULES[rule].title} ${await statusesOf(rule)}`)
    const all = await statusesOf()
    expect(all).not.toBe('0 0 0 0 0')
    expect(text).toContain(`All rules ${all}`)
    const open = (await testApp.services.alerts.queue(alpha)).length
    expect(pageText((await inspector.get('/monitoring')).body)).toContain(
      `Cheshire Constabulary Scan ${open} `,
    )
    // No one's name, number or reason: the inspectorate still reads no alert itself.
    const reasons = (
      await testApp.services.alerts.forStaffMember(alpha, cast.alpha.roster.staffMemberId)
    ).map((alert) => alert.reason)
    for (const secret of [member.name, member.staffNumber, ...reasons]) expect(text).not.toContain(secret)
    const [readable] = await inScope(testApp.database.db, { kind: 'inspectorate' }, (tx) =>
      queryRows<{ alerts: number }>(tx, sql`select count(*)::int as alerts from alerts`),
    )
    expect(readable?.alerts).toBe(0)
    // Another force reads its own counts only, and not Alpha's page; the force's staff see no counts.
    expect((await bravoCaseworker.get(`/forces/${cast.alpha.code}/monitoring`)).statusCode).toBe(404)
    const bravoPage = pageText((await bravoCaseworker.get(`/forces/${cast.bravo.code}/monitoring`)).body)
    expect(bravoPage).toContain('All rules 0 0 0 0 0')
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    const staffPage = await staff.get(`/forces/${cast.alpha.code}/monitoring`)
    expect(staffPage.statusCode).toBe(200)
    expect(pageText(staffPage.body)).not.toContain('Alerts in the force’s queue')
    expect(pageText((await caseworker.get(`/forces/${cast.alpha.code}/monitoring`)).body)).toContain(
      `All rules ${all}`,
    )
  })

  it('runs a write’s rules on the plan kept for a few members, leaving out a rule turned off, and leaves the caller’s plan setting as it was', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const northernRail = async () =>
      (await openAlerts('repeated-gifts-from-one-donor')).filter((alert) =>
        alert.reason.startsWith('Northern Rail offered'),
      )
    const off = { ...RULE_SETTINGS, 'repeated-gifts-from-one-donor-enabled': '' }
    expect((await admin.post('/alerts/rules', off)).statusCode).toBe(303)
    // Two offers within the window, a write each: the rule, had it been on, would find them.
    for (const offeredOn of ['2012-08-01', '2012-08-02']) await gift('Northern Rail', offeredOn)
    expect(await northernRail()).toEqual([])
    expect((await admin.post('/alerts/rules', RULE_SETTINGS)).statusCode).toBe(303)
    expect((await northernRail()).map((alert) => alert.records.length)).toEqual([2])
    // A write's own transaction goes on with the plan setting it had: the rules chose theirs alone.
    const modes = await testApp.database.db.transaction(async (tx) => {
      const mode = async () =>
        (await queryRows<{ mode: string }>(tx, sql`select current_setting('plan_cache_mode') as mode`))[0]
          ?.mode
      const before = await mode()
      await tx.execute(
        sql`select probity_raise_alerts(${alphaId}, array[${cast.alpha.roster.staffMemberId}]::uuid[])`,
      )
      return { before, after: await mode() }
    })
    expect(modes.before).not.toBe('force_generic_plan')
    expect(modes.after).toBe(modes.before)
  })
})
