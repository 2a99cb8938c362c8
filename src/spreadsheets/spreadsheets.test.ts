import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { SpreadsheetError } from './errors.js'
import { readSpreadsheet } from './read.js'
import { PROBLEMS_LISTED, ProblemList, validateRows } from './validate.js'
import { neutraliseFormula, toCsv, toXlsx } from './write.js'

const csv = (text: string, filename = 'upload.csv') => ({ filename, data: Buffer.from(text) })

describe('readSpreadsheet', () => {
  it('keys CSV rows by normalised header and numbers them as a text editor does', async () => {
    const rows = await readSpreadsheet(
      csv('Staff Number,Full name\r\n101,Ann\r\n\r\n102,"Bo\nB"\r\n103,Cy\r\n'),
    )
    expect(rows).toEqual([
      { line: 2, values: { staff_number: '101', full_name: 'Ann' } },
      { line: 4, values: { staff_number: '102', full_name: 'Bo\nB' } },
      { line: 6, values: { staff_number: '103', full_name: 'Cy' } },
    ])
  })

  it('reads the first sheet of an XLSX workbook with row numbers', async () => {
    const data = await toXlsx(
      'Staff',
      [
        { header: 'Staff number', value: (row: { n: string; d: Date }) => row.n },
        { header: 'Start date', value: (row) => row.d },
      ],
      [
        { n: '101', d: new Date('2010-04-01T00:00:00Z') },
        { n: '102', d: new Date('2011-09-01T00:00:00Z') },
      ],
    )
    const rows = await readSpreadsheet({ filename: 'staff.xlsx', data })
    expect(rows).toEqual([
      { line: 2, values: { staff_number: '101', start_date: '2010-04-01T00:00:00.000Z' } },
      { line: 3, values: { staff_number: '102', start_date: '2011-09-01T00:00:00.000Z' } },
    ])
  })

  it.each([
    [csv(''), /upload.csv is empty/],
    [csv('\n\n'), /upload.csv is empty/],
    [{ filename: 'photo.csv', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) }, /not a text CSV file/],
    [{ filename: 'staff.xlsx', data: Buffer.from('a,b\n1,2') }, /not an Excel \(.xlsx\) workbook/],
    [{ filename: 'staff.xlsx', data: Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) }, /could not be opened/],
    [csv('a,b', 'staff.pdf'), /neither a CSV \(.csv\) nor an Excel \(.xlsx\) file/],
    [csv('name,Name\nx,y'), /has the column name twice/],
    [csv('a,"b\n1,2'), /is not valid CSV/],
  ])('refuses a file it cannot read, saying why (%#)', async (file, message) => {
    await expect(readSpreadsheet(file)).rejects.toThrow(SpreadsheetError)
    await expect(readSpreadsheet(file)).rejects.toThrow(message)
  })
})

describe('validateRows', () => {
  it('reports every bad row with its line and the column at fault', async () => {
    const rows = await readSpreadsheet(csv('number,hours\n1,5\nx,5\n3,-1\n4,7\n'))
    const schema = z.object({
      number: z.coerce.number().int(),
      hours: z.coerce.number().min(0, 'must be 0 or more'),
    })
    const { valid, problems } = await validateRows(rows, schema)
    expect(valid.map((row) => row.line)).toEqual([2, 5])
    expect(problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^number: /) },
      { line: 4, reason: 'hours: must be 0 or more' },
    ])
  })

  it('checks a stream of rows as each is read, keeping the first problems and a count of all', async () => {
    // Rows of a file being read: each is checked before the next is read, so none waits in memory.
    const events: string[] = []
    async function* rows() {
      for (let line = 2; line <= 301; line++) {
        events.push(`read ${line}`)
        yield { line, values: { hours: line === 150 ? '5' : 'x' } }
      }
    }
    const schema = z.preprocess(
      (values: { hours: string }) => {
        events.push(`checked ${values.hours}`)
        return values
      },
      z.object({ hours: z.coerce.number() }),
    )
    const { valid, problems, rows: checked } = await validateRows(rows(), schema, new ProblemList())
    expect(events.slice(0, 4)).toEqual(['read 2', 'checked x', 'read 3', 'checked x'])
    expect(checked).toBe(300)
    expect(valid).toEqual([{ line: 150, value: { hours: 5 } }])
    expect(problems.count).toBe(299)
    expect(problems.listed).toHaveLength(PROBLEMS_LISTED)
    expect(problems.listed[0]).toEqual({ line: 2, reason: expect.stringMatching(/^hours: /) })
  })
})

describe('exports', () => {
  it.each(['=SUM(A1)', '+1', '-2', '@cmd', '\tx'])('neutralises a formula-like cell %j', (value) => {
    expect(neutraliseFormula(value)).toBe(`'${value}`)
  })

  it('leaves ordinary text alone, and escapes formulas in CSV and XLSX', async () => {
    expect(neutraliseFormula('Gift from a supplier')).toBe('Gift from a supplier')
    const columns = [{ header: 'Description', value: (row: { text: string }) => row.text }]
    expect(toCsv(columns, [{ text: '=HYPERLINK("http://evil")' }, { text: 'tea, biscuits' }])).toBe(
      'Description\n"\'=HYPERLINK(""http://evil"")"\n"tea, biscuits"\n',
    )
    const rows = await readSpreadsheet({
      filename: 'x.xlsx',
      data: await toXlsx('x', columns, [{ text: '=1+1' }]),
    })
    expect(rows[0]?.values.description).toBe("'=1+1")
  })
})
