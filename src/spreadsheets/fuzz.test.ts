import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { damagedCopies } from '../../test/support/damage.js'
import { sheetXml, workbook } from '../../test/support/zip.js'
import { SpreadsheetError } from './errors.js'
import { uploadLimits } from './limits.js'
import { readSpreadsheet } from './read.js'
import { toXlsx } from './write.js'

/**
 * The CSV and XLSX readers fed arbitrary bytes and damaged copies of readable files: each either
 * reads rows or refuses the file with a SpreadsheetError (which the pages show); nothing else is
 * thrown, and every run ends (the test's time limit). Small limits, so the limits are met too.
 */

const limits = uploadLimits({ rows: 50, columns: 8, cellCharacters: 64, sharedStrings: 40, zipEntries: 20 })

const csvText = fc.array(
  fc.array(
    fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', '""', ',', '\n', '\r\n', '\uFEFF', '£')),
    {
      maxLength: 10,
    },
  ),
  { maxLength: 60 },
)

async function readOrRefuse(file: { filename: string; data: Buffer }): Promise<void> {
  try {
    const rows = await readSpreadsheet(file, limits)
    expect(rows.length).toBeLessThanOrEqual(limits.rows)
    for (const row of rows) expect(Number.isInteger(row.line)).toBe(true)
  } catch (error) {
    if (!(error instanceof SpreadsheetError)) throw error
  }
}

describe('the spreadsheet readers under arbitrary input', () => {
  it('read or refuse arbitrary bytes as CSV and as XLSX, throwing nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('x.csv', 'x.xlsx'),
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
          fc
            .uint8Array({ maxLength: 4096 })
            .map((bytes) => Buffer.concat([Buffer.from('PK\u0003\u0004'), bytes])),
        ),
        (filename, data) => readOrRefuse({ filename, data }),
      ),
      { numRuns: 300 },
    )
  }, 120_000)

  it('read or refuse any CSV text of quotes, commas and line breaks', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, (rows) =>
        readOrRefuse({ filename: 'x.csv', data: Buffer.from(rows.map((row) => row.join(',')).join('\n')) }),
      ),
      { numRuns: 300 },
    )
  }, 120_000)

  it('read or refuse damaged CSV files and workbooks, throwing nothing else', async () => {
    const columns = [
      { header: 'Staff number', value: (row: { n: number }) => `A${row.n}` },
      { header: 'Joined', value: (row: { n: number }) => new Date(Date.UTC(2010, 0, row.n)) },
      { header: 'Hours', value: (row: { n: number }) => row.n * 1.5 },
    ]
    const records = Array.from({ length: 20 }, (_, n) => ({ n }))
    const excel = await toXlsx('Staff', columns, records)
    const handMade = workbook(
      sheetXml([
        ['a', 'b'],
        ['1', 'two'],
        ['3', 'four'],
      ]),
    )
    const csv = Buffer.from('staff_number,name\nA1,"Ann, B"\nA2,"Bo ""B"""\n')
    expect(await readSpreadsheet({ filename: 'x.xlsx', data: excel })).toHaveLength(20)
    await fc.assert(
      fc.asyncProperty(
        damagedCopies([excel, handMade], (seed) => seed),
        ({ data }) => readOrRefuse({ filename: 'x.xlsx', data }),
      ),
      { numRuns: 200 },
    )
    await fc.assert(
      fc.asyncProperty(
        damagedCopies([csv], (seed) => seed),
        ({ data }) => readOrRefuse({ filename: 'x.csv', data }),
      ),
      { numRuns: 200 },
    )
  }, 180_000)
})
