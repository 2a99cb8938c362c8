import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, dateInputFields, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { ForceFacts } from '../publication/facts.js'
import { ForcesService } from './service.js'

/**
 * Issue 17: each force's region and HM Inspector as dated reference data that inspectorate
 * administrators edit (audited); a release names them only when recorded and confirmed, and a force
 * document cannot be approved until they are.
 */

let testApp: TestApp
let cast: TwoForces
let admin: Agent
let forceAdmin: Agent

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-12-01T09:00:00Z') }))
  admin = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  forceAdmin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
}, 240_000)
afterAll(() => testApp.close())

const forces = () => testApp.services.forces

describe('the shipped 2012 reference', () => {
  it('records a confirmed region and HMI with honours and a source where one is published, and nothing else', async () => {
    const references = await forces().referencesOn('2012-12-01')
    expect(references.size).toBe(44)
    expect(references.get('cheshire')).toMatchObject({
      region: 'Northern',
      hmiName: 'Roger Baker',
      hmiHonours: 'QPM',
      confirmed: true,
      effectiveFrom: '2012-01-01',
    })
    expect(references.get('cheshire')?.sourceNote).toMatch(/press release/)
    // Cumbria's region is inferred and its HMI unknown: unknown stays unknown.
    expect(references.get('cumbria')).toMatchObject({ region: 'Northern', hmiName: null, confirmed: false })
    expect((await forces().referencesOn('2011-12-31')).size).toBe(0)
    const api = await testApp.app.inject({ url: '/api/forces/cumbria' })
    expect(api.json()).toMatchObject({ region: { name: 'Northern', hmi: null }, regionConfirmed: false })
  })
})

describe('editing it', () => {
  it('is a page for inspectorate administrators, linked from the list of all forces', async () => {
    const list = await admin.get('/forces/reference')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('href="/forces/durham/reference"')
    const page = await admin.get('/forces/durham/reference')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('govuk-summary-list')
    expect(page.body).toContain('No: releases do not name them')
    // Dates read "1 January 2012" and are entered with a GOV.UK date input.
    expect(page.body).toMatch(/Holds from\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*1 January 2012/)
    expect(page.body).toContain('name="effectiveFrom-month"')
    expect(page.body).not.toContain('For example, 2012-01-01')
    for (const agent of [forceAdmin]) {
      expect((await agent.get('/forces/reference')).statusCode).toBe(403)
      expect((await agent.get('/forces/durham/reference')).statusCode).toBe(403)
      expect(
        (await agent.post('/forces/durham/reference', { effectiveFrom: '2012-01-01', confirmed: 'no' }))
          .statusCode,
      ).toBe(403)
    }
  })

  it('refuses a confirmed row without an HMI or a source, naming the field, and changes nothing', async () => {
    const response = await admin.post('/forces/durham/reference', {
      ...dateInputFields('effectiveFrom', '1', '1', '2012'),
      region: 'Northern',
      hmiName: '',
      confirmed: 'yes',
      sourceNote: '',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Only a row with both a region and an HM Inspector can be confirmed')
    expect(response.body).toContain('Say which source confirms it')
    const bad = await admin.post('/forces/durham/reference', {
      ...dateInputFields('effectiveFrom', '30', '2', '2012'),
      confirmed: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Holds from must be a real date')
    expect(bad.body).toContain('href="#effectiveFrom"')
    expect(bad.body).toMatch(/id="effectiveFrom" name="effectiveFrom-day" type="text" value="30"/)
    expect(bad.body).toContain('Select whether a published source confirms the region and HM Inspector')
    const blank = await admin.post('/forces/durham/reference', {
      ...dateInputFields('effectiveFrom', '', '', ''),
      confirmed: 'no',
    })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter the date the row holds from')
    expect((await forces().referencesOn('2012-12-01')).get('durham')?.hmiName).toBeNull()
  })

  it('saves a change, with who and when, and records it in the audit trail', async () => {
    const response = await admin.post('/forces/durham/reference', {
      ...dateInputFields('effectiveFrom', '1', '1', '2012'),
      region: 'Northern',
      hmiName: 'Test Inspector',
      hmiHonours: 'CBE',
      confirmed: 'yes',
      sourceNote: 'A published report naming the HMI',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/forces/durham/reference')
    expect((await admin.get('/forces/durham/reference')).body).toContain(
      'Region and HM Inspector from 1 January 2012 saved',
    )
    expect((await forces().referencesOn('2012-12-01')).get('durham')).toMatchObject({
      hmiName: 'Test Inspector',
      hmiHonours: 'CBE',
      confirmed: true,
    })
    const audit = await admin.get('/admin/audit?entityType=force-inspection-reference')
    expect(audit.body).toContain('durham@2012-01-01')
    expect(audit.body).toContain('Test Inspector')
  })
})

describe('a release and its approval', () => {
  it('names no unconfirmed HMI, flags it on the draft, and is refused approval with the reason', async () => {
    const publication = testApp.services.publication
    // Bravo's HMI is recorded but not confirmed.
    await forces().saveReference(SYSTEM_CALLER, cast.bravo.code, {
      effectiveFrom: '2012-01-01',
      region: 'Northern',
      hmiName: 'Roger Baker',
      hmiHonours: 'QPM',
      confirmed: 'no',
      sourceNote: '',
    })
    await publication.generate(SYSTEM_CALLER, cast.inspection.id, { forceCode: cast.bravo.code })
    const documents = await publication.documents(SYSTEM_CALLER, { inspectionId: cast.inspection.id })
    const release = documents.find((d) => d.kind === 'press-release' && d.force?.code === cast.bravo.code)
    const versionId = release?.latest?.id as string
    const { version } = await publication.version(SYSTEM_CALLER, versionId)
    expect(version.content).not.toContain('Roger Baker')
    expect(version.content).not.toContain('Northern Region')
    expect((version.facts as ForceFacts).pressRelease).toMatchObject({ hmi: null, hmiRegion: null })
    const draft = await admin.get(`/publications/${versionId}`)
    expect(draft.body).toContain('are not confirmed by a source')
    expect(draft.body).toContain('Not stated, because the data is missing')

    await publication.sendForCheck(SYSTEM_CALLER, versionId)
    const refused = await admin.post(`/publications/${versionId}/approve`)
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('This cannot be approved yet')
    expect(refused.body).toContain('are not confirmed by a source')
    expect((await publication.version(SYSTEM_CALLER, versionId)).version.status).toBe('factual-accuracy')

    // Confirmed, and generated again: the release names them and may be approved.
    await forces().saveReference(SYSTEM_CALLER, cast.bravo.code, {
      effectiveFrom: '2012-01-01',
      region: 'Northern',
      hmiName: 'Roger Baker',
      hmiHonours: 'QPM',
      confirmed: 'yes',
      sourceNote: 'HMIC press release, December 2012',
    })
    await publication.generate(SYSTEM_CALLER, cast.inspection.id, { forceCode: cast.bravo.code })
    const again = await publication.version(SYSTEM_CALLER, versionId)
    expect(again.version.content).toContain(
      'Roger Baker QPM, HM Inspector of Constabulary for the Northern Region',
    )
    expect((await publication.approve(SYSTEM_CALLER, versionId)).status).toBe('approved')
  })
})

describe('the day it holds from', () => {
  it('begins at midnight in England and Wales, not at midnight UTC', async () => {
    await forces().saveReference(SYSTEM_CALLER, 'dorset', {
      effectiveFrom: '2012-07-01',
      region: 'Western',
      hmiName: 'Ann Newcomer',
      confirmed: 'no',
      sourceNote: '',
    })
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time).
    const atHalfPastMidnight = new ForcesService(testApp.database.db, () => new Date('2012-06-30T23:30:00Z'))
    expect((await atHalfPastMidnight.find('dorset'))?.region.hmi).toBe('Ann Newcomer')
    const anHourEarlier = new ForcesService(testApp.database.db, () => new Date('2012-06-30T22:30:00Z'))
    expect((await anHourEarlier.find('dorset'))?.region.hmi).not.toBe('Ann Newcomer')
  })
})
