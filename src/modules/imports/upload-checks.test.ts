import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../domain/errors.js'
import { uploadLimits } from '../../spreadsheets/limits.js'
import { generatedGiftRow, giftsCsv } from '../gifts-hospitality/test-support.js'
import { readUpload, validateUpload } from './upload-checks.js'

const limits = uploadLimits()
const STAFF = ['GH000001', 'GH000002']
const csv = (text: string, filename = 'gifts.csv') => ({ filename, data: Buffer.from(text) })

describe('uploads read and checked on their own thread', () => {
  it('sends back every row of a file in order with its line, across many messages', async () => {
    const lines = ['name,count', ...Array.from({ length: 1_234 }, (_, index) => `row ${index},${index}`)]
    // An empty line is skipped but counted, so the lines after it are numbered as the file has them.
    lines.splice(3, 0, '')
    const rows = await readUpload(csv(`${lines.join('\n')}\n`, 'rows.csv'), limits, ['name'])
    expect(rows).toHaveLength(1_234)
    expect(rows[0]).toEqual({ line: 2, values: { name: 'row 0', count: '0' } })
    expect(rows[2]).toEqual({ line: 5, values: { name: 'row 2', count: '2' } })
    expect(rows.at(-1)).toEqual({ line: 1_236, values: { name: 'row 1233', count: '1233' } })
  })

  it('checks rows against the register’s schema, keeping the valid values and the first problems', async () => {
    const good = Array.from({ length: 700 }, (_, index) => generatedGiftRow(index, STAFF))
    const bad = [...good]
    bad.splice(10, 0, ['GH000001', 'gift', '', 'Acme', 'supplier', 'not money', '2020-01-01', 'declined'])
    const checked = await validateUpload(csv(giftsCsv(bad)), limits, ['staff_number'], 'gifts-hospitality')
    expect(checked.rows).toBe(701)
    expect(checked.valid).toHaveLength(700)
    expect(checked.valid[10]?.line).toBe(13)
    expect(checked.problems.count).toBe(1)
    expect(checked.problems.listed[0]?.line).toBe(12)
    expect(checked.problems.listed[0]?.reason).toMatch(/description/)
  })

  it('answers uploads checked at once each with its own file', async () => {
    const files = [3, 600, 1].map((count) =>
      csv(giftsCsv(Array.from({ length: count }, (_, index) => generatedGiftRow(index, STAFF)))),
    )
    const checked = await Promise.all(
      files.map((file) => validateUpload(file, limits, ['staff_number'], 'gifts-hospitality')),
    )
    expect(checked.map((result) => [result.rows, result.valid.length])).toEqual([
      [3, 3],
      [600, 600],
      [1, 1],
    ])
  })

  it('refuses a file the reader refuses as a ValidationError, and goes on checking the next', async () => {
    const refused = readUpload(csv('staff_number\nA\n', 'gifts.pdf'), limits)
    await expect(refused).rejects.toBeInstanceOf(ValidationError)
    await expect(refused).rejects.toMatchObject({
      fieldErrors: { file: expect.stringContaining('gifts.pdf') },
    })
    await expect(readUpload(csv('name\nA\n'), limits, ['staff_number'])).rejects.toMatchObject({
      fieldErrors: { file: 'gifts.csv has no column staff_number' },
    })
    await expect(validateUpload(csv('name\nA\n'), limits, [], 'no-such-register')).rejects.toThrow(
      /no row schema is listed for the register no-such-register/,
    )
    expect(await readUpload(csv('name\nA\n'), limits)).toEqual([{ line: 2, values: { name: 'A' } }])
  })
})
