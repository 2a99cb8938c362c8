import { Writable } from 'node:stream'
import { eq } from 'drizzle-orm'
import { PDFDocument } from 'pdf-lib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { buildTwoForces, type TwoForces } from '../../../test/support/two-forces.js'
import { zip } from '../../../test/support/zip.js'
import { inScope } from '../../db/tenancy.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ZipArchive } from '../../spreadsheets/zip.js'
import { createLogger } from '../../web/logging.js'
import { auditEvents } from '../audit/schema.js'
import {
  confidentialReportAttachments,
  confidentialReportCounts,
  confidentialReportMessages,
  confidentialReports,
} from './schema.js'

/** Every line the app logs, parsed: the access log must hold nothing that identifies a reporter. */
const logLines: Record<string, unknown>[] = []
const collected = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line))
    done()
  },
})

let clock = new Date('2012-12-31T10:00:00Z')
const moveClock = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000)
}

let testApp: TestApp
let cast: TwoForces
let alphaCaseworker: Agent
const db = () => testApp.database.db

beforeAll(async () => {
  testApp = await createTestApp({ now: () => clock, logger: createLogger('info', collected) })
  cast = await buildTwoForces(testApp.services)
  alphaCaseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
})
afterAll(() => testApp.close())

const USER_AGENT = 'Mozilla/5.0 (ReporterPhone; Distinctive-Agent-4711)'

/** A member of the public with a browser of their own: a user agent we look for afterwards, and an address. */
const reporter = () => new Agent(testApp.app, { headers: { 'user-agent': USER_AGENT } })

/** Opens the report form as the reporter would, and reads its challenge token. */
async function openForm(agent: Agent, code = cast.alpha.code): Promise<string> {
  const page = await agent.get(`/forces/${code}/report`)
  expect(page.statusCode).toBe(200)
  const token = page.body.match(/name="token" value="([^"]+)"/)?.[1]
  expect(token).toBeTruthy()
  return token as string
}

type Upload = { filename: string; data: Buffer; type?: string }

/** What the app logged as failing, to show with an upload answered 500. */
const loggedErrors = () => JSON.stringify(logLines.filter((line) => line.err)).slice(-4000)

/** Fills in the form after a person's reading and writing time (the clock moves on) and sends it. */
async function sendReport(agent: Agent, fields: Record<string, string>, files: Upload[] = []) {
  const token = await openForm(agent)
  moveClock(30)
  return agent.uploadFiles(`/forces/${cast.alpha.code}/report`, 'attachments', files, { token, ...fields })
}

const receiptOf = (body: string) => ({
  receiptCode: body.match(/R-[0-9A-Z]{4}-[0-9A-Z]{4}/)?.[0] as string,
  passphrase: body.match(/\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b/)?.[0] as string,
})

const reportByReceipt = async (receiptCode: string) => {
  const [row] = await db()
    .select()
    .from(confidentialReports)
    .where(eq(confidentialReports.receiptCode, receiptCode))
  return row
}

/** A JPEG whose EXIF says where and on what it was taken, made here so the test knows what to look for. */
async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 24, channels: 3, background: '#336699' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'ReporterCam', Model: 'Pocket 9', Artist: 'Jane Whistleblower' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '53/1 11/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '2/1 31/1 0/1',
      },
    })
    .toBuffer()
}

describe('the public reporting line', () => {
  it('is linked from the force’s public page and says what it does not keep', async () => {
    const forcePage = await new Agent(testApp.app).get(`/forces/${cast.alpha.code}`)
    expect(forcePage.body).toContain(`href="/forces/${cast.alpha.code}/report"`)
    const form = await new Agent(testApp.app).get(`/forces/${cast.alpha.code}/report`)
    expect(form.body).toContain('We do not store your IP address, your browser or device')
    expect(form.body).toContain('enctype="multipart/form-data"')
  })

  it('takes an anonymous report and gives a receipt code and passphrase, keeping no address or browser', async () => {
    const agent = reporter()
    logLines.length = 0
    const sent = await sendReport(agent, {
      identity: 'anonymous',
      name: 'Ignored Name',
      account: 'Sergeant Example sells custody records to a journalist.',
    })
    expect(sent.statusCode).toBe(200)
    const { receiptCode, passphrase } = receiptOf(sent.body)
    expect(receiptCode).toBeTruthy()
    expect(passphrase).toBeTruthy()
    expect(sent.headers['cache-control']).toBe('no-store')

    const row = await reportByReceipt(receiptCode)
    expect(row?.reporterName).toBeNull()
    expect(row?.account).toContain('custody records')
    expect(row?.passphraseHash).toMatch(/^\$argon2id\$/)
    expect(row?.passphraseHash).not.toContain(passphrase)
    const stored = JSON.stringify(row)
    expect(stored).not.toContain(agent.remoteAddress)
    expect(stored).not.toContain('Distinctive-Agent')

    const events = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, row?.id as string))
    expect(events.map((event) => event.action)).toEqual(['receive'])
    expect(events[0]?.ipAddress).toBeNull()
    expect(JSON.stringify(events)).not.toContain('custody records')
    expect(JSON.stringify(events)).not.toContain('Distinctive-Agent')

    const logged = JSON.stringify(logLines)
    expect(logged).toContain('/report')
    expect(logged).not.toContain(agent.remoteAddress)
    expect(logged).not.toContain('Distinctive-Agent')
    expect(logged).not.toContain('custody records')
    expect(logged).not.toContain(receiptCode)
  })

  it('takes a named report, keeping the name given', async () => {
    const sent = await sendReport(reporter(), {
      identity: 'named',
      name: 'Jo Reporter',
      account: 'The stores clerk takes fuel cards home.',
    })
    expect(sent.statusCode).toBe(200)
    expect((await reportByReceipt(receiptOf(sent.body).receiptCode))?.reporterName).toBe('Jo Reporter')
  })

  it('asks for a name when the reporter chose to give one, and for the account', async () => {
    const sent = await sendReport(reporter(), { identity: 'named', name: '', account: '' })
    expect(sent.statusCode).toBe(400)
    expect(sent.body).toContain('Enter your name, or choose to stay anonymous')
    expect(sent.body).toContain('Tell us what you want to report')
  })

  it('refuses a form sent at once after it was opened, and a form sent twice', async () => {
    const agent = reporter()
    const token = await openForm(agent)
    const fields = { token, identity: 'anonymous', account: 'A report sent by a script.' }
    const hasty = await agent.uploadFiles(`/forces/${cast.alpha.code}/report`, 'attachments', [], fields)
    expect(hasty.statusCode).toBe(400)
    expect(hasty.body).toContain('sent too quickly')

    moveClock(30)
    expect(
      (await agent.uploadFiles(`/forces/${cast.alpha.code}/report`, 'attachments', [], fields)).statusCode,
    ).toBe(200)
    const again = await agent.uploadFiles(`/forces/${cast.alpha.code}/report`, 'attachments', [], fields)
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('already been sent')
  })

  it('refuses a token that was not ours, and one for another force', async () => {
    const agent = reporter()
    const bravoToken = await openForm(agent, cast.bravo.code)
    moveClock(30)
    for (const token of ['1.2.3', bravoToken]) {
      const sent = await agent.uploadFiles(`/forces/${cast.alpha.code}/report`, 'attachments', [], {
        token,
        identity: 'anonymous',
        account: 'Forged form.',
      })
      expect(sent.statusCode).toBe(400)
      expect(sent.body).toContain('could not be checked')
    }
  })
})

describe('a reporter coming back', () => {
  it('reads the unit’s questions and answers them, two-way, with the receipt code and passphrase', async () => {
    const agent = reporter()
    const sent = await sendReport(agent, { identity: 'anonymous', account: 'Leaks from the control room.' })
    const receipt = receiptOf(sent.body)
    const reportId = (await reportByReceipt(receipt.receiptCode))?.id as string

    const asked = await alphaCaseworker.post(`/confidential-reports/${reportId}/questions`, {
      body: 'Which shift were you on when you saw this?',
    })
    expect(asked.statusCode).toBe(303)

    const back = new Agent(testApp.app)
    const opened = await back.post(`/forces/${cast.alpha.code}/report/return`, {
      receiptCode: receipt.receiptCode.toLowerCase().replace(/-/g, ' '),
      passphrase: receipt.passphrase,
    })
    expect(opened.statusCode).toBe(303)
    const messages = await back.get(`/forces/${cast.alpha.code}/report/messages`)
    expect(messages.statusCode).toBe(200)
    expect(messages.body).toContain('Which shift were you on when you saw this?')
    expect(messages.body).toContain('Leaks from the control room.')

    expect(messages.body).toContain('enctype="multipart/form-data"')
    // An answer takes files as a report does: the same limits, the same cleaning.
    const refused = await back.uploadFiles(
      `/forces/${cast.alpha.code}/report/messages`,
      'attachments',
      [{ filename: 'rota.exe', data: Buffer.from('MZ\x90\x00 not a document') }],
      { body: 'The rota.' },
    )
    expect(refused.statusCode, loggedErrors()).toBe(400)
    expect(refused.body).toContain('rota.exe is not a file the reporting line takes')
    const answered = await back.uploadFiles(
      `/forces/${cast.alpha.code}/report/messages`,
      'attachments',
      [{ filename: 'night-shift.jpg', data: await photoWithGps(), type: 'image/jpeg' }],
      { body: 'The night shift.' },
    )
    expect(answered.statusCode, loggedErrors()).toBe(303)
    expect((await back.get(`/forces/${cast.alpha.code}/report/messages`)).body).toContain('night-shift.jpg')
    const page = await alphaCaseworker.get(`/confidential-reports/${reportId}`)
    expect(page.body).toContain('The night shift.')
    const [sentLater] = await db()
      .select()
      .from(confidentialReportAttachments)
      .where(eq(confidentialReportAttachments.reportId, reportId))
    expect(sentLater?.filename).toBe('night-shift.jpg')
    expect(sentLater?.ciphertext.includes(Buffer.from('ReporterCam'))).toBe(false)
    expect(page.body).toContain(`/attachments/${sentLater?.id}`)
    const downloaded = await alphaCaseworker.get(
      `/confidential-reports/${reportId}/attachments/${sentLater?.id}`,
    )
    expect(downloaded.statusCode).toBe(200)
    expect((await sharp(downloaded.rawPayload).metadata()).exif).toBeUndefined()
    expect(downloaded.rawPayload.includes(Buffer.from('Jane Whistleblower'))).toBe(false)
    expect(page.body).toContain('Which shift were you on when you saw this?')
    const queue = await alphaCaseworker.get('/confidential-reports')
    expect(queue.body).toContain(receipt.receiptCode)
    expect(queue.body).toContain('New answer from the reporter')

    const answers = await db()
      .select()
      .from(confidentialReportMessages)
      .where(eq(confidentialReportMessages.reportId, reportId))
    expect(answers.map((row) => [row.author, row.authorId])).toEqual([
      ['unit', cast.alpha.users['force-caseworker'].id],
      ['reporter', null],
    ])

    const left = await back.post(`/forces/${cast.alpha.code}/report/leave`)
    expect(left.statusCode).toBe(303)
    const afterLeaving = await back.get(`/forces/${cast.alpha.code}/report/messages`)
    expect(afterLeaving.headers.location).toBe(`/forces/${cast.alpha.code}/report/return`)
  })

  it('refuses a wrong passphrase without saying which part was wrong, and rate-limits the tries', async () => {
    const agent = reporter()
    const receipt = receiptOf(
      (await sendReport(agent, { identity: 'anonymous', account: 'Something.' })).body,
    )
    const guesser = new Agent(testApp.app)
    const wrong = await guesser.post(`/forces/${cast.alpha.code}/report/return`, {
      receiptCode: receipt.receiptCode,
      passphrase: 'AAAA-BBBB-CCCC-DDDD-EEEE',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('do not match a report')
    expect(guesser.hasCookie('probity_report')).toBe(false)
    const unknown = await guesser.post(`/forces/${cast.alpha.code}/report/return`, {
      receiptCode: 'R-0000-0000',
      passphrase: receipt.passphrase,
    })
    expect(unknown.body).toContain('do not match a report')
    // Another force's line does not open this force's report.
    const elsewhere = await guesser.post(`/forces/${cast.bravo.code}/report/return`, receipt)
    expect(elsewhere.statusCode).toBe(400)

    let status = 0
    for (let attempt = 0; attempt < 10 && status !== 429; attempt++)
      status = (await guesser.post(`/forces/${cast.alpha.code}/report/return`, receipt)).statusCode
    expect(status).toBe(429)
  })
})

describe('attachments', () => {
  it('strips a photo’s EXIF (GPS too) and a document’s properties, and stores them encrypted', async () => {
    const photo = await photoWithGps()
    expect((await sharp(photo).metadata()).exif?.toString('latin1')).toContain('ReporterCam')
    const pdf = await PDFDocument.create()
    pdf.addPage()
    pdf.setAuthor('Jane Whistleblower')
    pdf.setTitle('Evidence')
    const pdfBytes = Buffer.from(await pdf.save())
    const docx = zip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: '<w:document><w:body>Evidence text</w:body></w:document>' },
      {
        name: 'docProps/core.xml',
        data: '<cp:coreProperties><dc:creator>Jane Whistleblower</dc:creator></cp:coreProperties>',
      },
      { name: 'docProps/app.xml', data: '<Properties><Company>Reporter Ltd</Company></Properties>' },
    ])
    const sent = await sendReport(reporter(), { identity: 'anonymous', account: 'With evidence.' }, [
      { filename: 'car-park.jpg', data: photo, type: 'image/jpeg' },
      { filename: 'minutes.pdf', data: pdfBytes, type: 'application/pdf' },
      { filename: 'notes.docx', data: docx, type: 'application/octet-stream' },
    ])
    expect(sent.statusCode, loggedErrors()).toBe(200)
    const report = await reportByReceipt(receiptOf(sent.body).receiptCode)
    const stored = await db()
      .select()
      .from(confidentialReportAttachments)
      .where(eq(confidentialReportAttachments.reportId, report?.id as string))
    expect(stored.map((row) => row.filename).sort()).toEqual(['car-park.jpg', 'minutes.pdf', 'notes.docx'])

    const page = await alphaCaseworker.get(`/confidential-reports/${report?.id}`)
    const download = async (filename: string) => {
      const row = stored.find((candidate) => candidate.filename === filename)
      expect(page.body).toContain(`/attachments/${row?.id}`)
      const response = await alphaCaseworker.get(`/confidential-reports/${report?.id}/attachments/${row?.id}`)
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-disposition']).toContain(filename)
      const bytes = response.rawPayload
      // Encrypted at rest: the stored bytes are neither the upload nor the file handed out.
      expect(row?.ciphertext.equals(bytes)).toBe(false)
      expect(row?.ciphertext.includes(bytes.subarray(0, 64))).toBe(false)
      return bytes
    }

    const cleanPhoto = await download('car-park.jpg')
    const metadata = await sharp(cleanPhoto).metadata()
    expect(metadata.format).toBe('jpeg')
    expect(metadata.exif).toBeUndefined()
    expect(cleanPhoto.includes(Buffer.from('ReporterCam'))).toBe(false)
    expect(cleanPhoto.includes(Buffer.from('Jane Whistleblower'))).toBe(false)

    const cleanPdf = await PDFDocument.load(await download('minutes.pdf'))
    expect(cleanPdf.getAuthor()).toBeUndefined()
    expect(cleanPdf.getTitle()).toBeUndefined()
    expect(cleanPdf.getPageCount()).toBe(1)

    const cleanDocx = await download('notes.docx')
    const archive = await ZipArchive.open(
      cleanDocx,
      'notes.docx',
      { zipEntries: 10, expandedBytes: 1_000_000, expansionRatio: 100 },
      'document',
    )
    const text: Record<string, string> = {}
    for (const [name, entry] of archive.entries) {
      const chunks: Buffer[] = []
      for await (const chunk of archive.bytes(entry)) chunks.push(chunk)
      text[name] = Buffer.concat(chunks).toString()
    }
    archive.close()
    expect(text['word/document.xml']).toContain('Evidence text')
    expect(text['docProps/core.xml']).not.toContain('Jane Whistleblower')
    expect(text['docProps/app.xml']).not.toContain('Reporter Ltd')

    const opened = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, report?.id as string))
    expect(opened.filter((event) => event.action === 'open-attachment')).toHaveLength(3)
  })

  it('refuses an oversized or unsupported attachment with a 400 that says why', async () => {
    const oversized = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024)])
    const big = await sendReport(reporter(), { identity: 'anonymous', account: 'Big file.' }, [
      { filename: 'huge.jpg', data: oversized, type: 'image/jpeg' },
    ])
    expect(big.statusCode, loggedErrors()).toBe(400)
    expect(big.body).toContain('huge.jpg is larger than 5 MB')
    expect(big.body).toContain('Big file.')

    const unsupported = await sendReport(reporter(), { identity: 'anonymous', account: 'Odd file.' }, [
      {
        filename: 'tool.exe',
        data: Buffer.from('MZ\x90\x00 not a document'),
        type: 'application/octet-stream',
      },
    ])
    expect(unsupported.statusCode).toBe(400)
    expect(unsupported.body).toContain('tool.exe is not a file the reporting line takes')

    // A PDF with no page tree loads (pdf-lib reads lazily) and fails only as it is cleaned.
    const pageless = await sendReport(reporter(), { identity: 'anonymous', account: 'Odd PDF.' }, [
      {
        filename: 'pageless.pdf',
        data: Buffer.from(
          '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
        ),
      },
    ])
    expect(pageless.statusCode, loggedErrors()).toBe(400)
    expect(pageless.body).toContain('pageless.pdf could not be read as a PDF')

    const photo = { filename: 'one.jpg', data: await photoWithGps(), type: 'image/jpeg' }
    const four = await sendReport(reporter(), { identity: 'anonymous', account: 'Four files.' }, [
      photo,
      photo,
      photo,
      photo,
    ])
    expect(four.statusCode, loggedErrors()).toBe(400)
    expect(four.body).toContain('Send at most 3 files at a time')
    // More than the reader takes to explain: refused while reading, with the route's own limit.
    const five = await sendReport(reporter(), { identity: 'anonymous', account: 'Five files.' }, [
      photo,
      photo,
      photo,
      photo,
      photo,
    ])
    expect(five.statusCode, loggedErrors()).toBe(413)
    expect(five.body).toContain('Upload at most 3 files at a time')

    const broken = await sendReport(reporter(), { identity: 'anonymous', account: 'Broken photo.' }, [
      { filename: 'broken.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]), type: 'image/jpeg' },
    ])
    expect(broken.statusCode).toBe(400)
    expect(broken.body).toContain('could not be read as a JPEG image')
    expect(
      await db().select().from(confidentialReports).where(eq(confidentialReports.account, 'Big file.')),
    ).toEqual([])
  })
})

describe('the queue', () => {
  let reportId: string
  let attachmentId: string

  beforeAll(async () => {
    const sent = await sendReport(reporter(), { identity: 'anonymous', account: 'For the access walk.' }, [
      { filename: 'photo.jpg', data: await photoWithGps(), type: 'image/jpeg' },
    ])
    reportId = (await reportByReceipt(receiptOf(sent.body).receiptCode))?.id as string
    const [attachment] = await db()
      .select({ id: confidentialReportAttachments.id })
      .from(confidentialReportAttachments)
      .where(eq(confidentialReportAttachments.reportId, reportId))
    attachmentId = attachment?.id as string
  })

  const queueRoutes = () =>
    testApp.app.routeTable
      .filter((route) => route.url.startsWith('/confidential-reports') && route.method !== 'HEAD')
      .map((route) => ({
        method: route.method,
        path: route.url.replace(':reportId', reportId).replace(':attachmentId', attachmentId),
        namesReport: route.url.includes(':reportId'),
      }))

  const request = (agent: Agent, route: { method: string; path: string }) =>
    route.method === 'GET'
      ? agent.get(route.path)
      : agent.post(route.path, {
          body: 'x',
          reason: 'x',
          into: 'new',
          type: 'other',
          summary: 'x',
          retentionDays: '90',
        })

  it('is in Welsh for a caseworker who chooses Welsh: the queue, a report, its errors and banners', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const queue = await welsh.get('/confidential-reports')
    expect(queue.body).toMatch(/<html lang="cy"/)
    expect(queue.body).toContain('<h1 class="govuk-heading-xl">Adroddiadau cyfrinachol</h1>')
    expect(queue.body).toContain('Heb ei ateb eto')
    expect(queue.body).toContain('Dienw')
    expect(queue.body).not.toContain('Not yet answered')
    const page = await welsh.get(`/confidential-reports/${reportId}`)
    expect(page.body).toContain('Cwestiynau ac atebion')
    expect(page.body).toContain('Datgelu amhriodol i’r cyfryngau')
    expect(page.body).not.toContain('Questions and answers')
    const empty = await welsh.post(`/confidential-reports/${reportId}/questions`, { body: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Rhowch eich cwestiwn')
    const asked = await welsh.post(`/confidential-reports/${reportId}/questions`, { body: 'Pryd?' })
    expect(asked.statusCode).toBe(303)
    expect((await welsh.get(`/confidential-reports/${reportId}`)).body).toContain(
      'Mae eich cwestiwn wedi’i anfon',
    )
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    await admin.chooseLanguage('cy')
    const settings = await admin.post('/confidential-reports/settings', { retentionDays: 'many' })
    expect(settings.statusCode).toBe(400)
    expect(settings.body).toContain('Rhowch nifer y diwrnodau fel rhif cyfan')
    expect(settings.body).not.toContain('How long to keep confidential reports')
    // The choice is kept with each account: the other tests read these people's pages in English.
    await welsh.chooseLanguage('en')
    await admin.chooseLanguage('en')
  })

  it('is refused to another force’s caseworker (404 for the report) and to anyone not a caseworker (403)', async () => {
    expect(queueRoutes().length).toBeGreaterThanOrEqual(7)
    const bravo = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    const inspectorate = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    for (const route of queueRoutes()) {
      const asBravo = await request(bravo, route)
      if (route.namesReport) expect(asBravo.statusCode, `${route.method} ${route.path}`).toBe(404)
      else expect(asBravo.body, `${route.method} ${route.path}`).not.toContain('For the access walk.')
      expect((await request(staff, route)).statusCode, `${route.method} ${route.path}`).toBe(403)
      expect((await request(inspectorate, route)).statusCode, `${route.method} ${route.path}`).toBe(403)
      const anonymous = await request(new Agent(testApp.app), route)
      expect([401, 303], `${route.method} ${route.path}`).toContain(anonymous.statusCode)
    }
    // Below the service, row-level security: in Bravo's scope, none of Alpha's reporting rows exist.
    const tables = [
      confidentialReports,
      confidentialReportMessages,
      confidentialReportAttachments,
      confidentialReportCounts,
    ]
    const forces = await testApp.services.forces.references()
    const visible = (code: string) =>
      inScope(db(), { kind: 'force', forceId: forces.find((f) => f.code === code)?.id ?? 0 }, async (tx) => {
        const counts: number[] = []
        for (const table of tables) counts.push((await tx.select().from(table)).length)
        return counts
      })
    expect((await visible(cast.alpha.code)).slice(0, 3).every((rows) => rows > 0)).toBe(true)
    expect(await visible(cast.bravo.code)).toEqual([0, 0, 0, 0])
    const page = await alphaCaseworker.get(`/confidential-reports/${reportId}`)
    expect(page.body).toContain('For the access walk.')
    expect(
      (await db().select().from(confidentialReports).where(eq(confidentialReports.id, reportId)))[0]?.status,
    ).toBe('open')
  })

  it('adds a report to a new confidential case, and another to that case by its reference', async () => {
    const first = await reportByReceipt(
      receiptOf((await sendReport(reporter(), { identity: 'anonymous', account: 'First.' })).body)
        .receiptCode,
    )
    const attached = await alphaCaseworker.post(`/confidential-reports/${first?.id}/case`, {
      into: 'new',
      type: 'corruption intelligence',
      summary: 'Reported through the confidential line',
    })
    expect(attached.statusCode).toBe(303)
    const [row] = await db()
      .select()
      .from(confidentialReports)
      .where(eq(confidentialReports.id, first?.id as string))
    expect(row?.status).toBe('attached')
    const caseId = row?.caseId as string
    const found = await testApp.services.integrityCases.find(SYSTEM_CALLER, caseId)
    expect(found.restricted ? null : [found.detail.case.confidential, found.detail.case.source]).toEqual([
      true,
      'confidential report',
    ])
    const reference = found.restricted ? '' : found.detail.case.reference

    const second = await reportByReceipt(
      receiptOf((await sendReport(reporter(), { identity: 'anonymous', account: 'Second.' })).body)
        .receiptCode,
    )
    const notConfidential = await alphaCaseworker.post(`/confidential-reports/${second?.id}/case`, {
      into: 'existing',
      caseReference: 'IC/1999/0001',
    })
    expect(notConfidential.statusCode).toBe(400)
    expect(notConfidential.body).toContain('There is no case IC/1999/0001')
    const intoExisting = await alphaCaseworker.post(`/confidential-reports/${second?.id}/case`, {
      into: 'existing',
      caseReference: reference,
    })
    expect(intoExisting.statusCode).toBe(303)
    const after = await testApp.services.integrityCases.find(SYSTEM_CALLER, caseId)
    expect(after.restricted ? [] : after.detail.notes.map((note) => note.text)).toEqual([
      expect.stringContaining(second?.receiptCode as string),
    ])
    const page = await alphaCaseworker.get(`/confidential-reports/${second?.id}`)
    expect(page.body).toContain(reference)
  })
})

describe('retention', () => {
  it('deletes reports closed without a case once the force’s period has passed, keeping the counts', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    expect((await admin.post('/confidential-reports/settings', { retentionDays: '5' })).statusCode).toBe(400)
    expect((await admin.post('/confidential-reports/settings', { retentionDays: '30' })).statusCode).toBe(303)

    const closing = await reportByReceipt(
      receiptOf((await sendReport(reporter(), { identity: 'anonymous', account: 'To close.' })).body)
        .receiptCode,
    )
    const closed = await alphaCaseworker.post(`/confidential-reports/${closing?.id}/close`, {
      reason: 'Nothing to investigate',
    })
    expect(closed.statusCode).toBe(303)
    const before = await db().select().from(confidentialReports)
    const attachedBefore = before.filter((row) => row.status === 'attached').length
    const closedBefore = before.filter((row) => row.status === 'closed').length

    moveClock(30 * 86_400)
    await testApp.services.confidentialReports.purge(SYSTEM_CALLER)
    expect(await reportByReceipt(closing?.receiptCode as string)).toBeDefined()

    moveClock(86_400)
    const purged = await testApp.services.confidentialReports.purge(SYSTEM_CALLER)
    expect(purged).toEqual([{ force: cast.alpha.code, deleted: closedBefore }])
    expect(await reportByReceipt(closing?.receiptCode as string)).toBeUndefined()
    const left = await db().select().from(confidentialReports)
    expect(left.filter((row) => row.status === 'attached')).toHaveLength(attachedBefore)
    expect(
      await db()
        .select()
        .from(confidentialReportMessages)
        .where(eq(confidentialReportMessages.reportId, closing?.id as string)),
    ).toEqual([])
    const counts = await db().select().from(confidentialReportCounts)
    expect(counts.map(({ year, deleted }) => ({ year, deleted }))).toEqual([
      { year: 2012, deleted: closedBefore },
    ])
    // A month on, the caseworker signs in again (sessions end), and sees the counts.
    const caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    const queue = await caseworker.get('/confidential-reports?status=closed')
    expect(queue.body).toContain('Deleted after their retention period')
  })
})
