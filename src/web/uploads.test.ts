import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { count } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../test/support/agent.js'
import { createRegisterTestApp } from '../../test/support/registers.js'
import type { TestApp } from '../../test/support/test-app.js'
import { sheetXml, workbook } from '../../test/support/zip.js'
import { giftsHospitality } from '../modules/gifts-hospitality/schema.js'
import { pendingImports } from '../modules/imports/schema.js'

/**
 * Hostile and careless uploads to the import pages (issue P13, items 1 and 2): each is refused with a
 * 4xx naming what is wrong, reads no more of the file than it must, and writes nothing.
 */

let testApp: TestApp
let caseworker: Agent
const now = new Date('2012-03-30T10:00:00Z')
const IMPORT = '/gifts-hospitality/import'
const HEADER = 'staff_number,kind,description,donor_name,donor_type,estimated_value,offered_on,outcome'

const execFileAsync = promisify(execFile)

beforeAll(async () => {
  const { testApp: app, cast } = await createRegisterTestApp(() => now)
  testApp = app
  caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
})
afterAll(() => testApp.close())

async function rowsIn(table: typeof giftsHospitality | typeof pendingImports): Promise<number> {
  const [row] = await testApp.database.db.select({ value: count() }).from(table)
  return row?.value ?? 0
}

/** What the database holds that an import could change. */
async function snapshot() {
  return { gifts: await rowsIn(giftsHospitality), pending: await rowsIn(pendingImports) }
}

/** A CSV of the register's columns with `rows` rows, each bad (a date that is not one). */
function badRowsCsv(rows: number, description = 'Tickets'): string {
  const lines = [HEADER]
  for (let index = 0; index < rows; index++)
    lines.push(`ALPHA0001,gift,${description},Acme,supplier,£10,not a date ${index},declined`)
  return `${lines.join('\n')}\n`
}

describe('an upload with many bad rows', () => {
  it('lists the first 100 problems and counts the rest, in a page of modest size, writing nothing', async () => {
    const before = await snapshot()
    const response = await caseworker.upload(IMPORT, { filename: 'gifts.csv', data: badRowsCsv(100_000) })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Nothing has been imported: 100,000 rows have problems')
    expect(response.body.match(/offered_on: /g)).toHaveLength(100)
    expect(response.body).toContain('…and 99,900 more problems.')
    // The page was 69 MB: 100 problems make a page of tens of kilobytes.
    expect(response.body.length).toBeLessThan(200_000)
    expect(await snapshot()).toEqual(before)
  })
})

describe('an upload over a limit', () => {
  it('refuses a CSV of more than 100,000 rows where it passes the limit, without reading on', async () => {
    // Well past the limit the file is no longer text: a reader that read it all would say so instead.
    const data = Buffer.concat([Buffer.from(badRowsCsv(130_000)), Buffer.from([0, 1, 2])])
    const response = await caseworker.upload(IMPORT, { filename: 'gifts.csv', data })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain(
      'gifts.csv has more than 100,000 rows, the most one upload may have: split it into smaller files',
    )
  })

  it('refuses a workbook of 300,000 junk rows at the row limit, without reading the rest', async () => {
    const junk = (function* () {
      // Every column the import needs, so the file is refused at the row limit, not at its header; each
      // row up to the limit is checked as it is read, which takes a while on a busy machine.
      yield HEADER.split(',')
      for (let row = 0; row < 300_000; row++) yield [`junk ${row}`, `${(row * 7919) % 10007}`]
    })()
    // The sheet's XML breaks after its rows: a reader that parsed it all would fail there instead.
    const data = workbook(sheetXml(junk, '<broken'))
    const before = await snapshot()
    const response = await caseworker.upload(IMPORT, { filename: 'gifts.xlsx', data })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('gifts.xlsx has more than 100,000 rows')
    expect(await snapshot()).toEqual(before)
  }, 120_000)

  it('refuses a zip bomb from its directory, before inflating it', async () => {
    const bomb = workbook(sheetXml([['staff_number'], ['x']]), [
      { name: 'xl/padding.xml', data: Buffer.alloc(100 * 1024 * 1024) },
    ])
    expect(bomb.length).toBeLessThan(1024 * 1024)
    const response = await caseworker.upload(IMPORT, { filename: 'gifts.xlsx', data: bomb })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('gifts.xlsx expands more than 200 times when unzipped')
  })

  it('refuses a file larger than 50 MB', async () => {
    const data = Buffer.alloc(50 * 1024 * 1024 + 1, 'a')
    const response = await caseworker.upload(IMPORT, { filename: 'gifts.csv', data })
    expect(response.statusCode).toBe(413)
    expect(response.body).toContain('The file is larger than 50 MB, the most one upload may be')
  })
})

describe('a malformed upload form', () => {
  it.each([
    ['no file', null, {}, /Select a CSV or Excel file/],
    ['an empty file', { filename: 'gifts.csv', data: '' }, {}, /gifts.csv is empty/],
    [
      'a CSV that is not UTF-8',
      {
        filename: 'gifts.csv',
        data: Buffer.from(`${HEADER}\nALPHA0001,gift,Caf\xe9,A,B,1,1/1/2012,declined\n`, 'latin1'),
      },
      {},
      /gifts.csv is not UTF-8 text: save it from the spreadsheet program as “CSV UTF-8”/,
    ],
    [
      'a .xlsx that is not a zip',
      { filename: 'gifts.xlsx', data: 'a,b\n1,2\n' },
      {},
      /not an Excel \(.xlsx\) workbook/,
    ],
    [
      'a .xlsx that is a broken zip',
      { filename: 'gifts.xlsx', data: Buffer.from([0x50, 0x4b, 0x03, 0x04, 9, 9, 9, 9]) },
      {},
      /gifts.xlsx could not be opened as an Excel workbook/,
    ],
    [
      'thirty extra form fields',
      { filename: 'gifts.csv', data: badRowsCsv(1) },
      Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`field${index}`, 'x'])),
      /The form has more than 20 fields/,
    ],
  ])('answers 4xx with a clear message for %s, writing nothing', async (_, file, fields, message) => {
    const before = await snapshot()
    const response = await caseworker.upload(IMPORT, file, fields)
    expect(response.statusCode).toBeGreaterThanOrEqual(400)
    expect(response.statusCode).toBeLessThan(500)
    expect(response.body).toMatch(message)
    expect(await snapshot()).toEqual(before)
  })

  it('answers 4xx for two files, or a file under another field name', async () => {
    const file = { filename: 'gifts.csv', data: badRowsCsv(1) }
    const two = await caseworker.uploadFiles(IMPORT, 'file', [file, file])
    expect(two.statusCode).toBe(413)
    expect(two.body).toContain('Upload one file at a time')
    const elsewhere = await caseworker.uploadFiles(IMPORT, 'attachment', [file])
    expect(elsewhere.statusCode).toBe(400)
    expect(elsewhere.body).toContain('Select a CSV or Excel file')
  })
})

describe('a form part the multipart reader skips', () => {
  // Busboy skips a part whose header has a bare line break. Skipped with more than 16 KB in it as the
  // form ended, the part left the reader paused for ever, and the request with it (CI, 3 Dec 2026;
  // patched in patches/@fastify+busboy+*.patch).
  it.each(['\r', '\n', 'a\rb'])('answers a form whose part is named %j and holds 100 KB', async (name) => {
    const before = await snapshot()
    const response = await caseworker.upload(IMPORT, null, { [name]: 'ü'.repeat(50_000) })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Select a CSV or Excel file')
    expect(await snapshot()).toEqual(before)
  })
})

describe('the event loop while a large upload is checked', () => {
  /** Sends a GET over a real socket. */
  function get(port: number, path: string) {
    return new Promise<number>((resolve, reject) => {
      http
        .get({ port, path, headers: { cookie: caseworker.cookieHeader } }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        })
        .on('error', reject)
    })
  }

  /**
   * Uploads a file to the import page as a browser would, from another process (curl), so that the
   * sending costs this process nothing: what is measured here is the server's work alone.
   */
  async function uploadWithCurl(port: number, file: string): Promise<{ status: number; text: string }> {
    const { stdout } = await execFileAsync(
      'curl',
      [
        '-s',
        '-H',
        `cookie: ${caseworker.cookieHeader}`,
        '-F',
        `_csrf=${caseworker.csrfToken}`,
        '-F',
        `file=@${file};type=text/csv`,
        '-w',
        '\n%{http_code}',
        `http://127.0.0.1:${port}${IMPORT}`,
      ],
      { maxBuffer: 10 * 1024 * 1024 },
    )
    const split = stdout.lastIndexOf('\n')
    return { status: Number(stdout.slice(split + 1)), text: stdout.slice(0, split) }
  }

  it('keeps answering /healthz while a 50 MB CSV is read and checked', async () => {
    // 99,000 bad rows of about 500 bytes: nearly 50 MB, every row read, checked and reported.
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'probity-upload-'))
    const file = path.join(folder, 'gifts.csv')
    await fs.writeFile(file, badRowsCsv(99_000, 'x'.repeat(440)))
    expect((await fs.stat(file)).size).toBeGreaterThan(45 * 1024 * 1024)
    await testApp.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = testApp.app.server.address() as AddressInfo
    try {
      // Once first: the page's template is compiled, and the parser's code optimised, on first use.
      const small = path.join(folder, 'small.csv')
      await fs.writeFile(small, badRowsCsv(2))
      expect((await uploadWithCurl(port, small)).status).toBe(400)
      let uploading = true
      const upload = uploadWithCurl(port, file).finally(() => {
        uploading = false
      })
      let answered = 0
      while (uploading) {
        expect(await get(port, '/healthz')).toBe(200)
        answered++
      }
      const response = await upload
      expect(response.status).toBe(400)
      expect(response.text).toContain('…and 98,900 more problems.')
      expect(answered).toBeGreaterThan(10)
      // A reader that held the loop for the whole file (the 48 s) lets /healthz in once at most.
      // How long the loop is held, and how fast /healthz answers, are measured by `npm run bench`
      // (bench/upload.ts), not asserted here.
    } finally {
      await fs.rm(folder, { recursive: true, force: true })
    }
  }, 180_000)
})
