import { describe, expect, it } from 'vitest'
import { chartOf } from './charts.js'
import { buildComparison, type ComparisonInput, sortRows } from './comparison.js'
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
  it('gives rates per 1,000 workforce, says where the workforce came from, and places counts on the funnel', () => {
    const inputs: ComparisonInput[] = [
      // About 10 per 1,000 each, but for "e": 40 per 1,000, far above the 99.8% limit for its size.
      { force: force('a', 1000), values: { 'second-job-applications': 10 } },
      { force: force('b', 2000), values: { 'second-job-applications': 20 } },
      { force: force('c', 500), values: { 'second-job-applications': 6 } },
      { force: force('d', 9999), values: { 'second-job-applications': 9, workforce: 1000 } },
      { force: force('e', 1000), values: { 'second-job-applications': 40 } },
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
    expect(by.a?.cells['second-job-applications']).toMatchObject({ position: 'within', outlier: null })
    const column = statistics.find((entry) => entry.code === 'second-job-applications')
    // "f" has no workforce, so no rate: left out of the national rate (118 over 8,500).
    expect(column).toMatchObject({ measure: 'rate', count: 6, events: 118, workforce: 8500 })
    expect(column?.nationalRate).toBeCloseTo((118 / 8500) * 1000)

    const sorted = sortRows(rows, 'rate-second-job-applications', 'desc').map((row) => row.force.code)
    expect(sorted[0]).toBe('e')
    expect(sorted.at(-1)).toBe('f') // no rate: last whichever the order
    expect(sortRows(rows, 'rate-second-job-applications', 'asc').at(-1)?.force.code).toBe('f')
    expect(sortRows(rows, 'force', 'desc')[0]?.force.code).toBe('g')

    const chart = chartOf(rows, statistics, 'second-job-applications')
    if (chart.kind !== 'funnel') throw new Error('a count is drawn as a funnel')
    expect(chart.missing).toBe(1)
    const e = chart.points.find((point) => point.label === 'e Police')
    expect(e).toMatchObject({ position: 'above-99.8', wording: 'Above the 99.8% limit', named: true })
    expect(chart.description).toContain('Above the 95% limit or beyond: e Police')
    // The point sits above the 99.8% limit line where the line passes its workforce.
    const upper = chart.limits.upper998
      .split(' ')
      .map((pair) => pair.split(',').map(Number) as [number, number])
    const nearest = upper.reduce((best, point) =>
      Math.abs(point[0] - (e?.cx ?? 0)) < Math.abs(best[0] - (e?.cx ?? 0)) ? point : best,
    )
    expect(e?.cy).toBeLessThan(nearest[1])
    expect(chart.national?.display).toBe('13.88')
  })

  it('does not tag a force with one case as an outlier when most forces have none', () => {
    const inputs: ComparisonInput[] = Array.from({ length: 44 }, (_, index) => ({
      force: force(`f${index}`, 2000 + index * 50),
      values: { 'media-disclosure-investigations': index === 7 ? 1 : 0 },
    }))
    const { rows } = buildComparison(inputs)
    expect(rows.filter((row) => row.cells['media-disclosure-investigations']?.outlier)).toEqual([])
  })

  it('charts items that are not counts as bars, unjudged', () => {
    const { rows, statistics } = buildComparison([
      { force: force('a', 1000), values: { 'acu-posts-filled': 4 } },
      { force: force('b', 1000), values: { 'acu-posts-filled': 9 } },
    ])
    const chart = chartOf(rows, statistics, 'acu-posts-filled')
    if (chart.kind !== 'bars') throw new Error('a staffing figure is drawn as bars')
    expect(chart.bars.map((bar) => bar.label)).toEqual(['b Police', 'a Police'])
    expect(rows.every((row) => row.cells['acu-posts-filled']?.position === null)).toBe(true)
  })
})
