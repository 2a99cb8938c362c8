import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import type { InspectionRow } from '../inspections/service.js'
import { pdfAvailable, printPdf } from '../publication/pdf.js'
import { highlightedText } from './highlight.js'
import { factsToForm } from './review-form.js'
import { documentImports } from './schema.js'

const fixtureNames = fs
  .readdirSync(PRESS_RELEASE_FIXTURES)
  .filter((name) => name.endsWith('.txt'))
  .sort()
const fixtureText = (name: string) => fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, name), 'utf8')
const fixtureFacts = (name: string): PressReleaseFacts =>
  JSON.parse(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, name.replace(/\.txt$/, '.json')), 'utf8'))

/** A small press release of our own, worded unlike the fixtures, for the Word document. */
const OWN_RELEASE = `Cleveland Police has made some improvements to how it manages integrity issues

In Cleveland Police, HMIC found:

- Cleveland Police received 25 applications for second jobs between September 2011 and May 2012, of which 21 were approved.
- The force has referred 3 cases involving social media to its professional standards department.
- Since 2011 the anti-corruption unit has grown by 2 posts.

Her Majesty's Inspector of Constabulary for the Northern Region, Roger Baker, said: "The force has made some improvements."
`

const requirePdf = process.env.PROBITY_E2E === 'required'
const canPrint = pdfAvailable()
if (!canPrint && !requirePdf) console.warn('Chromium is missing: the PDF upload test is skipped')

async function docx(paragraphs: string[]): Promise<Buffer> {
  const zip = new JSZip()
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  )
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  )
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs
      .map((paragraph) => `<w:p><w:r><w:t xml:space="preserve">${xml(paragraph)}</w:t></w:r></w:p>`)
      .join('')}</w:body></w:document>`,
  )
  return zip.generateAsync({ type: 'nodebuffer' })
}

/** Paragraphs (blank lines between) as an HTML page, list items as a list. */
function asHtml(text: string): string {
  const blocks = text.split(/\n\s*\n/).map((block) => block.trim())
  const body = blocks
    .map((block) => {
      const lines = block.split('\n')
      if (lines.every((line) => line.startsWith('- ')))
        return `<ul>${lines.map((line) => `<li>${line.slice(2).replace(/&/g, '&amp;')}</li>`).join('')}</ul>`
      return `<p>${block.replace(/&/g, '&amp;').replace(/\n/g, ' ')}</p>`
    })
    .join('\n')
  return `<!doctype html><html lang="en"><head><title>Press release</title></head><body><h1>News</h1>${body}</body></html>`
}

let testApp: TestApp
let cast: TwoForces
let inspector: Agent
let inspectorCaller: Caller
let historic: InspectionRow

async function signIn(email: string) {
  const agent = new Agent(testApp.app)
  await agent.signIn(email, TEST_PASSWORD)
  return agent
}

async function countDocuments() {
  return (await testApp.services.documentImports.list(inspectorCaller)).length
}

const location = (response: { headers: Record<string, unknown> }) => String(response.headers.location)

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2013-01-10T09:00:00Z') }))
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'reader@inspectorate.example',
    name: 'Rita Reader',
    role: 'inspector',
    password: TEST_PASSWORD,
  })
  inspectorCaller = callerFor(
    {
      kind: 'user',
      id: user.id,
      label: 'Rita Reader',
      role: 'inspector',
      forceId: null,
      staffMemberId: null,
    },
    null,
  )
  // A historic inspection, closed: published results are what it is loaded with.
  historic = await testApp.services.inspections.create(SYSTEM_CALLER, {
    code: 'historic-2012',
    title: 'Historic 2012 revisit',
    frameworkId: cast.inspection.frameworkId,
    dataFrom: '2011-09-01',
    dataTo: '2012-05-31',
    censusDate: '2012-05-31',
    status: 'closed',
    forces: ['cheshire', 'cleveland', 'greater-manchester'],
  })
  inspector = await signIn('reader@inspectorate.example')
})
afterAll(() => testApp.close())

async function uploadOne(filename: string, data: Buffer | string, inspectionId = historic.id) {
  const response = await inspector.uploadFiles('/document-imports', 'files', [{ filename, data }], {
    inspectionId,
  })
  expect(response.statusCode, response.body.slice(0, 3000)).toBe(303)
  const documentId = location(response).replace('/document-imports/', '')
  return testApp.services.documentImports.review(inspectorCaller, documentId)
}

describe('uploading published documents', () => {
  it('reads every 2012 fixture press release (text) in one upload', async () => {
    const before = await countDocuments()
    const response = await inspector.uploadFiles(
      '/document-imports',
      'files',
      fixtureNames.map((name) => ({ filename: name, data: fixtureText(name), type: 'text/plain' })),
      { inspectionId: historic.id },
    )
    expect(response.statusCode, response.body.slice(0, 3000)).toBe(303)
    expect(location(response)).toBe(`/document-imports?uploaded=${fixtureNames.length}`)
    const list = await inspector.get(location(response))
    expect(list.body).toContain(`${fixtureNames.length} documents were read`)
    const documents = await testApp.services.documentImports.list(inspectorCaller)
    expect(documents.length).toBe(before + fixtureNames.length)
    for (const name of fixtureNames) {
      const summary = documents.find((document) => document.filename === name)
      expect(summary?.status).toBe('pending')
      expect(list.body).toContain(name)
      const review = await testApp.services.documentImports.review(inspectorCaller, summary?.id ?? '')
      expect(review.document.kind).toBe('text')
      expect(review.document.facts).toEqual(fixtureFacts(name))
    }
  })

  it('reads an HTML page', async () => {
    const review = await uploadOne('release.html', asHtml(fixtureText('cheshire.txt')))
    expect(review.document.kind).toBe('html')
    expect(review.document.text).not.toContain('<p>')
    expect(review.document.facts).toEqual(fixtureFacts('cheshire.txt'))
  })

  it('reads a Word (DOCX) document', async () => {
    const review = await uploadOne('release.docx', await docx(OWN_RELEASE.split(/\n\s*\n|\n(?=- )/)))
    expect(review.document.kind).toBe('docx')
    expect(review.document.facts.forceCode).toBe('cleveland')
    expect(review.document.facts.headline).toBe('some improvements')
    expect(review.document.facts.secondJobApplications).toEqual({ applications: 25, approved: 21 })
    expect(review.document.facts.socialMediaCasesReferred).toBe(3)
    expect(review.document.facts.antiCorruptionUnitStaffChange).toBe(2)
  })

  it.skipIf(!canPrint && !requirePdf)(
    'reads a PDF printed by Chromium',
    async () => {
      const pdf = await printPdf(asHtml(fixtureText('cheshire.txt')))
      const review = await uploadOne('release.pdf', pdf)
      expect(review.document.kind).toBe('pdf')
      expect(review.document.facts).toEqual(fixtureFacts('cheshire.txt'))
    },
    60_000,
  )

  it('refuses bad files by name, storing nothing, even beside a good one', async () => {
    const before = await countDocuments()
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3, 0, 0, 255, 254])
    const zip = new JSZip()
    zip.file('xl/workbook.xml', '<workbook/>')
    const response = await inspector.uploadFiles(
      '/document-imports',
      'files',
      [
        { filename: 'good.txt', data: OWN_RELEASE },
        { filename: 'empty.txt', data: '' },
        { filename: 'picture.png', data: binary },
        { filename: 'minutes.txt', data: 'Minutes of the meeting.\n\nThe chair opened the meeting at ten.' },
        { filename: 'figures.xlsx', data: await zip.generateAsync({ type: 'nodebuffer' }) },
        { filename: 'broken.pdf', data: '%PDF-1.4 nothing else' },
        { filename: 'huge.txt', data: Buffer.alloc(5 * 1024 * 1024 + 10, 'a') },
      ],
      { inspectionId: historic.id },
    )
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toContain('empty.txt</strong>: This cannot be read: the file is empty.')
    expect(response.body).toContain(
      'picture.png</strong>: This cannot be read: it is a binary file, not text.',
    )
    expect(response.body).toContain('minutes.txt</strong>: This does not look like a force press release')
    expect(response.body).toContain(
      'figures.xlsx</strong>: This cannot be read: it is a ZIP or spreadsheet file',
    )
    expect(response.body).toContain('broken.pdf</strong>: This cannot be read: it is a damaged PDF file')
    expect(response.body).toContain('huge.txt</strong>: This cannot be read: the file is larger than 5 MB.')
    expect(response.body).not.toContain('good.txt</strong>')
    expect(response.body).toContain('6 documents cannot be imported: nothing was stored')
    expect(await countDocuments()).toBe(before)
  })

  it('refuses a document about a force outside the inspection, no files, no inspection, and too many files', async () => {
    const before = await countDocuments()
    // The two-forces inspection covers Cheshire and Cleveland only.
    const manchester = OWN_RELEASE.replace(/Cleveland Police/g, 'Greater Manchester Police')
    const outside = await inspector.uploadFiles(
      '/document-imports',
      'files',
      [{ filename: 'gmp.txt', data: manchester }],
      { inspectionId: cast.inspection.id },
    )
    expect(outside.statusCode).toBe(400)
    expect(outside.body).toContain(
      'gmp.txt</strong>: This cannot be read: it is about Greater Manchester Police, which is not in the inspection',
    )
    const none = await inspector.uploadFiles('/document-imports', 'files', [], { inspectionId: historic.id })
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('Select one or more documents')
    const noInspection = await inspector.uploadFiles('/document-imports', 'files', [
      { filename: 'good.txt', data: OWN_RELEASE },
    ])
    expect(noInspection.statusCode).toBe(400)
    expect(noInspection.body).toContain('href="#inspectionId"')
    const many = await inspector.uploadFiles(
      '/document-imports',
      'files',
      Array.from({ length: 21 }, (_, index) => ({ filename: `r${index}.txt`, data: OWN_RELEASE })),
      { inspectionId: historic.id },
    )
    expect(many.statusCode).toBe(400)
    expect(many.body).toContain('Select 20 documents or fewer at a time (you selected 21)')
    expect(await countDocuments()).toBe(before)
  })
})

describe('reviewing and importing a document', () => {
  it('shows the text with each fact’s source sentence marked, and the fact linking to it', async () => {
    const review = await uploadOne('cleveland.txt', OWN_RELEASE)
    const page = await inspector.get(`/document-imports/${review.document.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(
      /<mark[^>]*>(?:<span[^>]*><\/span>)*<span id="source-secondJobApplications-0"><\/span>Cleveland Police received 25 applications for second jobs/,
    )
    expect(page.body).toContain('href="#source-secondJobApplications-0"')
    expect(page.body).toContain('href="#source-headline-0"')
    expect(page.body).toMatch(/<mark id="source-headline-0"[^>]*>Cleveland Police has made some improvements/)
    expect(page.body).toMatch(/<input[^>]*id="jobApplications"[^>]*value="25"/)
    expect(page.body).toMatch(/<input[^>]*id="headline-\d*"[^>]*value="some improvements" checked/)
  })

  it('escapes the text and marks overlapping sources once', () => {
    const html = highlightedText('<b>One.</b>\n\nTwo & three.', {
      a: [{ start: 0, end: 11, text: '' }],
      b: [{ start: 0, end: 11, text: '' }],
      c: [{ start: 13, end: 26, text: '' }],
    })
    expect(html).toBe(
      '<p class="govuk-body"><mark id="source-a-0" data-facts="a b"><span id="source-b-0"></span>&lt;b&gt;One.&lt;/b&gt;</mark></p>\n' +
        '<p class="govuk-body"><mark id="source-c-0" data-facts="c">Two &amp; three.</mark></p>',
    )
  })

  it('imports the corrected facts into the force’s assessment, and refuses to overwrite without “replace”', async () => {
    const review = await uploadOne('cleveland-2012.txt', OWN_RELEASE)
    const form = factsToForm(review.document.facts)
    const base = `/document-imports/${review.document.id}`

    // A correction that breaks a rule: more approved than applied.
    const bad = await inspector.post(`${base}/import`, { ...form, jobApproved: '30' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#jobApproved"')
    expect(bad.body).toMatch(/<input[^>]*id="jobApproved"[^>]*value="30"/)
    const notNumber = await inspector.post(`${base}/import`, { ...form, socialMedia: 'three' })
    expect(notNumber.statusCode).toBe(400)
    expect(notNumber.body).toContain('Social-media cases referred must be a whole number')
    expect(
      await testApp.services.fieldwork.headlineOf(inspectorCaller, await assessment('cleveland')),
    ).toBeNull()

    const imported = await inspector.post(`${base}/import`, { ...form, jobApplications: '26' })
    expect(imported.statusCode, imported.body.slice(0, 2000)).toBe(303)
    expect(location(imported)).toBe(`${base}?done=imported`)
    const done = await inspector.get(location(imported))
    expect(done.body).toContain('The facts were imported into Cleveland Police’s assessment')

    const values = await testApp.services.dataReturns.values(inspectorCaller, historic.id, 'cleveland')
    expect(values['second-job-applications']).toBe(26)
    expect(values['second-job-approvals']).toBe(21)
    expect(values['social-media-referrals']).toBe(3)
    expect(values['acu-staff-change']).toBe(2)
    const view = await testApp.services.dataReturns.get(inspectorCaller, historic.id, 'cleveland')
    const applications = view.items.find((item) => item.code === 'second-job-applications')
    expect(applications?.source).toBe('supplied')
    expect(applications?.detail).toEqual({
      importedFrom: 'cleveland-2012.txt',
      reason: 'Imported from cleveland-2012.txt',
    })
    const clevelandAssessment = await assessment('cleveland')
    expect(await testApp.services.fieldwork.headlineOf(inspectorCaller, clevelandAssessment)).toBe(
      'some improvements',
    )
    const judgement = await testApp.services.fieldwork.judgementOf(inspectorCaller, clevelandAssessment)
    expect(judgement?.status).toBe('confirmed')
    expect(judgement?.moderationNote).toContain('Imported from cleveland-2012.txt')
    const history = await testApp.services.dataReturns.history(inspectorCaller, historic.id, 'cleveland')
    expect(history.map((event) => event.action)).toContain('import-published')
    const imports = await testApp.services.audit.history(
      inspectorCaller,
      'document-import',
      review.document.id,
    )
    expect(imports.map((event) => event.action)).toEqual(['upload', 'import'])

    // The same document cannot be imported twice.
    const again = await inspector.post(`${base}/import`, form)
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('This document was already imported')

    // Another document for the same force: refused without “replace”, nothing changed.
    const second = await uploadOne(
      'cleveland-again.txt',
      OWN_RELEASE.replace('some improvements to', 'good progress in'),
    )
    const secondForm = factsToForm(second.document.facts)
    expect(secondForm.headline).toBe('good progress')
    const page = await inspector.get(`/document-imports/${second.document.id}`)
    expect(page.body).toContain('already has a confirmed judgement (some improvements)')
    const refused = await inspector.post(`/document-imports/${second.document.id}/import`, secondForm)
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('href="#replace"')
    expect(refused.body).toContain('tick “Replace” to replace them')
    expect(
      (await testApp.services.dataReturns.values(inspectorCaller, historic.id, 'cleveland'))[
        'second-job-applications'
      ],
    ).toBe(26)
    expect(await testApp.services.fieldwork.headlineOf(inspectorCaller, clevelandAssessment)).toBe(
      'some improvements',
    )
    expect(
      (await testApp.services.documentImports.review(inspectorCaller, second.document.id)).document.status,
    ).toBe('pending')
    const replaced = await inspector.post(`/document-imports/${second.document.id}/import`, {
      ...secondForm,
      replace: 'yes',
    })
    expect(replaced.statusCode).toBe(303)
    expect(
      (await testApp.services.dataReturns.values(inspectorCaller, historic.id, 'cleveland'))[
        'second-job-applications'
      ],
    ).toBe(25)
    expect(await testApp.services.fieldwork.headlineOf(inspectorCaller, clevelandAssessment)).toBe(
      'good progress',
    )
  })

  it('asks each yes/no statement a release makes, read from the document, and imports the corrections as the return’s items', async () => {
    const review = await uploadOne('greater-manchester.txt', fixtureText('greater-manchester.txt'))
    const stated = fixtureFacts('greater-manchester.txt')
    const page = await inspector.get(`/document-imports/${review.document.id}`)
    const checked = (name: string) => checkedIn(page.body, name)
    expect(checked('policiesReviewed')).toBe('yes')
    expect(checked('staffToldOfPolicyChanges')).toBe('no')
    expect(checked('mediaPolicyInLineWithGuidance')).toBe('yes')
    expect(checked('socialMediaPolicy')).toBe('yes')
    // Not stated by this release: offered as "Not stated".
    expect(stated.informationSecurityChecks).toBeUndefined()
    expect(checked('informationSecurityChecks')).toBe('')
    expect(page.body).toContain('Media policy in line with national guidance')
    expect(page.body).toMatch(/href="#source-policiesReviewed-0"/)

    const form = factsToForm(review.document.facts)
    const refused = await inspector.post(`/document-imports/${review.document.id}/import`, {
      ...form,
      replace: 'yes',
      jobApproved: String((stated.secondJobApplications?.applications ?? 0) + 1),
    })
    expect(refused.statusCode).toBe(400)
    expect(checkedIn(refused.body, 'socialMediaPolicy')).toBe('yes')

    const imported = await inspector.post(`/document-imports/${review.document.id}/import`, {
      ...form,
      replace: 'yes',
      informationSecurityChecks: 'no',
      socialMediaPolicy: 'no',
    })
    expect(imported.statusCode, imported.body.slice(0, 2000)).toBe(303)
    const values = await testApp.services.dataReturns.values(
      inspectorCaller,
      historic.id,
      'greater-manchester',
    )
    expect(values['policies-reviewed']).toBe(1)
    expect(values['staff-told-of-policy-changes']).toBe(0)
    expect(values['media-policy-in-line']).toBe(1)
    expect(values['information-security-checks']).toBe(0)
    expect(values['social-media-policy']).toBe(0)
  })

  it('discards a document without importing it', async () => {
    const review = await uploadOne('discard-me.txt', OWN_RELEASE)
    const response = await inspector.post(`/document-imports/${review.document.id}/discard`)
    expect(response.statusCode).toBe(303)
    expect(
      (await testApp.services.documentImports.review(inspectorCaller, review.document.id)).document.status,
    ).toBe('discarded')
  })
})

async function assessment(forceCode: string) {
  return testApp.services.inspections.assessment(inspectorCaller, historic.id, forceCode)
}

describe('who may import documents', () => {
  it('refuses force users (403) and hides the documents from their scope (404)', async () => {
    const review = await uploadOne('hidden.txt', OWN_RELEASE)
    for (const role of ['force-admin', 'force-caseworker', 'staff'] as const) {
      const agent = await signIn(cast.bravo.users[role].email)
      expect((await agent.get('/document-imports')).statusCode).toBe(403)
      expect((await agent.get(`/document-imports/${review.document.id}`)).statusCode).toBe(403)
      const post = await agent.post(
        `/document-imports/${review.document.id}/import`,
        factsToForm(review.document.facts),
      )
      expect(post.statusCode).toBe(403)
    }
    const forceId = (await testApp.services.forces.references()).find(
      (force) => force.code === 'cleveland',
    )?.id
    const forceAdmin = callerFor(
      {
        kind: 'user',
        id: cast.bravo.users['force-admin'].id,
        label: 'x',
        role: 'force-admin',
        forceId: forceId ?? 0,
        staffMemberId: null,
      },
      null,
    )
    await expect(
      testApp.services.documentImports.review(forceAdmin, review.document.id),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(testApp.services.documentImports.list(forceAdmin)).rejects.toBeInstanceOf(NotFoundError)
    const anonymous = new Agent(testApp.app)
    const response = await anonymous.get('/document-imports')
    expect([302, 303, 401]).toContain(response.statusCode)
    expect((await inspector.get('/document-imports/not-a-uuid')).statusCode).toBe(404)
  })

  it('keeps the documents from any force scope in the database itself (row-level security)', async () => {
    await uploadOne('rls.txt', OWN_RELEASE)
    const forceId = (await testApp.services.forces.references()).find(
      (force) => force.code === 'cleveland',
    )?.id
    const asForce = await inScope(testApp.database.db, { kind: 'force', forceId: forceId ?? 0 }, (tx) =>
      tx.select().from(documentImports),
    )
    expect(asForce).toEqual([])
    const asInspectorate = await inScope(testApp.database.db, { kind: 'inspectorate' }, (tx) =>
      tx.select().from(documentImports),
    )
    expect(asInspectorate.length).toBeGreaterThan(0)
  })

  it('lets an inspectorate administrator in', async () => {
    const admin = await signIn(cast.inspectorateAdmin.email)
    expect((await admin.get('/document-imports')).statusCode).toBe(200)
  })
})

/** The value of the radio button of a group that a page has checked. */
function checkedIn(body: string, name: string): string | undefined {
  return new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)" checked`).exec(body)?.[1]
}
