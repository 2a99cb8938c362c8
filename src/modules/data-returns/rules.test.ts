import { describe, expect, it } from 'vitest'
import { buildComparison, type ComparisonInput, chartOf, fences, quantile, sortRows } from './comparison.js'
import { checkStoredValue, formatItemValue, parseItemValue, partProblems } from './rules.js'

describe('reading values by kind', () => {
  it('takes whole counts, FTEs to 2 places, percentages 0–100 and yes/no, and says what is wrong otherwise', () => {
    expect(parseItemValue('count', '1,204')).toEqual({ ok: true, value: 1204 })
    expect(parseItemValue('count', '3.5')).toMatchObject({
      ok: false,
      reason: 'Enter a whole number, 0 or more',
    })
    expect(parseItemValue('count', '-1')).toMatchObject({ ok: false })
    expect(parseItemValue('count', '')).toMatchObject({ ok: false, reason: 'Enter a value' })
    expect(parseItemValue('fte', '6.5')).toEqual({ ok: true, value: 6.5 })
    expect(parseItemValue('fte', '6.555')).toMatchObject({ ok: false })
    expect(parseItemValue('fte', '-1')).toMatchObject({ ok: false })
    expect(parseItemValue('fte-change', '-1.5')).toEqual({ ok: true, value: -1.5 })
    expect(parseItemValue('rate', '87.5%')).toEqual({ ok: true, value: 0.875 })
    expect(parseItemValue('rate', '100')).toEqual({ ok: true, value: 1 })
    expect(parseItemValue('rate', '100.01')).toMatchObject({ ok: false })
    expect(parseItemValue('yes-no', 'Yes')).toEqual({ ok: true, value: 1 })
    expect(parseItemValue('yes-no', 'no')).toEqual({ ok: true, value: 0 })
    expect(parseItemValue('yes-no', 'maybe')).toMatchObject({ ok: false, reason: 'Enter yes or no' })
    expect(checkStoredValue('rate', 1.2)).not.toBeNull()
    expect(checkStoredValue('count', 4)).toBeNull()
  })

  it('shows values as people read them', () => {
    expect(formatItemValue('count', 1204)).toBe('1,204')
    expect(formatItemValue('fte-change', 1.5)).toBe('+1.5')
    expect(formatItemValue('fte-change', 0)).toBe('0')
    expect(formatItemValue('rate', 0.875)).toBe('87.5%')
    expect(formatItemValue('yes-no', 1)).toBe('Yes')
    expect(formatItemValue('count', null)).toBe('Not known')
  })

  it('finds a part above its whole, and ignores unknowns', () => {
    expect(partProblems({ 'second-job-applications': 40, 'second-job-approvals': 41 })).toEqual([
      expect.objectContaining({ part: 'second-job-approvals', whole: 'second-job-applications' }),
    ])
    expect(partProblems({ 'second-job-applications': 40, 'second-job-approvals': 40 })).toEqual([])
    expect(partProblems({ 'second-job-applications': null, 'second-job-approvals': 4 })).toEqual([])
  })
})

const force = (code: string, officersFte: number | null) => ({
  id: code.length,
  code,
  name: `${code} Police`,
  officersFte,
})

describe('the comparison', () => {
  it('interpolates quartiles and sets Tukey’s fences only with enough figures', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2)
    expect(fences([1, 2, 3, null]).lower).toBeNull()
    expect(fences([1, 2, 3, 4, 5])).toMatchObject({ lowerQuartile: 2, upperQuartile: 4, lower: -1, upper: 7 })
  })

  it('gives rates per 1,000 workforce, says where the workforce came from, and flags outliers on the rates', () => {
    const inputs: ComparisonInput[] = [
      // 10 per 1,000 each, but for "e": 100 per 1,000, well past the upper fence.
      { force: force('a', 1000), values: { 'second-job-applications': 10 } },
      { force: force('b', 2000), values: { 'second-job-applications': 20 } },
      { force: force('c', 500), values: { 'second-job-applications': 6 } },
      { force: force('d', 9999), values: { 'second-job-applications': 9, workforce: 1000 } },
      { force: force('e', 1000), values: { 'second-job-applications': 100 } },
      { force: force('f', null), values: { 'second-job-applications': 3 } },
      { force: force('g', 3000), values: { 'second-job-applications': 33 } },
    ]
    const { rows, statistics } = buildComparison(inputs)
    const by = Object.fromEntries(rows.map((row) => [row.force.code, row]))
    expect(by.d).toMatchObject({ workforce: 1000, workforceBasis: 'return' })
    expect(by.a).toMatchObject({ workforce: 1000, workforceBasis: 'reference list' })
    expect(by.f).toMatchObject({ workforce: null, workforceBasis: null })
    expect(by.f?.cells['second-job-applications']?.rate).toBeNull()
    expect(by.c?.cells['second-job-applications']?.rate).toBeCloseTo(12)
    expect(by.e?.cells['second-job-applications']?.outlier).toBe('high')
    expect(rows.filter((row) => row.cells['second-job-applications']?.outlier)).toHaveLength(1)
    const column = statistics.find((entry) => entry.code === 'second-job-applications')
    expect(column).toMatchObject({ measure: 'rate', count: 6, median: 10.5 })

    const sorted = sortRows(rows, 'rate-second-job-applications', 'desc').map((row) => row.force.code)
    expect(sorted[0]).toBe('e')
    expect(sorted.at(-1)).toBe('f') // no rate: last whichever the order
    expect(sortRows(rows, 'rate-second-job-applications', 'asc').at(-1)?.force.code).toBe('f')
    expect(sortRows(rows, 'force', 'desc')[0]?.force.code).toBe('g')

    const chart = chartOf(rows, statistics, 'second-job-applications')
    expect(chart.bars.map((bar) => bar.label)[0]).toBe('e Police')
    expect(chart.bars[0]?.outlier).toBe('high')
    expect(chart.missing).toBe(1)
    expect(chart.median?.display).toBe('10.50')
    expect(chart.description).toContain('Outliers: e Police')
  })
})
