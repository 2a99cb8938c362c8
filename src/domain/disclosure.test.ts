import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ALL_GRADES,
  applyDisclosureRule,
  type DisclosedRow,
  gradeBand,
  type QuasiIdentifiers,
} from './disclosure.js'
import { GRADES } from './grades.js'

const rowArb = fc.record({
  person: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10', 'p11', 'p12'),
  grade: fc.constantFrom(...GRADES, 'Grand Wizard'),
  unit: fc.constantFrom('Response', 'CID', 'Professional Standards', 'Custody'),
  category: fc.constantFrom('voluntary work', 'self-employment', 'other employment'),
})
const rowsArb = fc.array(rowArb, { maxLength: 80 })
const minimumArb = fc.integer({ min: 1, max: 8 })

/** What a reader of the register can group rows by: the values printed. */
const printed = (shown: DisclosedRow<QuasiIdentifiers>) =>
  JSON.stringify([shown.grade, shown.unit, shown.row.category])

describe('the disclosure rule', () => {
  it('never prints a combination that fewer than the minimum number of people share', () => {
    fc.assert(
      fc.property(rowsArb, minimumArb, (rows, minimum) => {
        const { shown } = applyDisclosureRule(rows, minimum)
        const people = new Map<string, Set<string>>()
        for (const item of shown) {
          const group = people.get(printed(item)) ?? new Set()
          group.add(item.row.person)
          people.set(printed(item), group)
        }
        for (const group of people.values()) expect(group.size).toBeGreaterThanOrEqual(minimum)
      }),
    )
  })

  it('shows each row at most once, only ever less than the truth, and counts what it held back', () => {
    fc.assert(
      fc.property(rowsArb, minimumArb, (rows, minimum) => {
        const disclosure = applyDisclosureRule(rows, minimum)
        expect(new Set(disclosure.shown.map(({ row }) => row)).size).toBe(disclosure.shown.length)
        expect(disclosure.shown.length + disclosure.withheld).toBe(rows.length)
        expect(disclosure.coarsened).toBe(
          disclosure.shown.filter(({ unit, grade, row }) => unit === null || grade !== row.grade).length,
        )
        for (const { row, grade, unit } of disclosure.shown) {
          expect([row.unit, null]).toContain(unit)
          expect([row.grade, gradeBand(row.grade), ALL_GRADES]).toContain(grade)
          if (grade !== row.grade) expect(unit).toBeNull()
        }
        // The order given is kept.
        const order = disclosure.shown.map(({ row }) => rows.indexOf(row))
        expect(order).toEqual([...order].sort((a, b) => a - b))
      }),
    )
  })

  it('changes nothing when every combination is shared by enough people', () => {
    fc.assert(
      fc.property(rowsArb, minimumArb, (rows, minimum) => {
        // Each row repeated for `minimum` different people: every combination is shared by enough.
        const common = rows.flatMap((row) =>
          Array.from({ length: minimum }, (_, copy) => ({ ...row, person: `${row.person}-${copy}` })),
        )
        const disclosure = applyDisclosureRule(common, minimum)
        expect(disclosure.withheld).toBe(0)
        expect(disclosure.coarsened).toBe(0)
      }),
    )
  })

  it('counts a person once however many of their rows share a combination', () => {
    const rows = Array.from({ length: 6 }, (_, index) => ({
      person: index < 5 ? 'the same inspector' : 'another',
      grade: 'Inspector',
      unit: 'Professional Standards',
      category: 'voluntary work',
    }))
    const disclosure = applyDisclosureRule(rows, 5)
    expect(disclosure.withheld).toBe(6)
    expect(disclosure.shown).toEqual([])
  })

  it('drops the unit first, then names the grade band, then the category alone, then withholds', () => {
    const people = (
      count: number,
      grade: string,
      unit: string,
      prefix: string,
      category = 'voluntary work',
    ) => Array.from({ length: count }, (_, index) => ({ person: `${prefix}${index}`, grade, unit, category }))
    const rows = [
      ...people(5, 'Constable', 'Response', 'a'),
      ...people(3, 'Superintendent', 'Operations', 'b'),
      ...people(2, 'Superintendent', 'Command', 'c'),
      ...people(3, 'Constable', 'CID', 'd'),
      ...people(3, 'Sergeant', 'Response', 'e'),
      ...people(1, 'Inspector', 'Professional Standards', 'f'),
      ...people(2, 'Police Staff', 'Finance', 'g'),
      ...people(2, 'Chief Inspector', 'Operations', 'h'),
      ...people(1, 'Constable', 'Response', 'k', 'self-employment'),
    ]
    const { shown, withheld, coarsened } = applyDisclosureRule(rows, 5)
    const detailOf = (prefix: string) =>
      new Set(shown.filter(({ row }) => row.person.startsWith(prefix)).map(({ detail }) => detail))
    expect(detailOf('a')).toEqual(new Set(['grade and unit']))
    expect(detailOf('b')).toEqual(new Set(['grade']))
    expect(detailOf('c')).toEqual(new Set(['grade']))
    // Three constables and three sergeants: six people in one band.
    expect(detailOf('d')).toEqual(new Set(['grade band']))
    expect(shown.find(({ row }) => row.person === 'e0')).toMatchObject({
      grade: 'Constables and sergeants',
      unit: null,
    })
    // An inspector, two police staff and two chief inspectors: five people only across grades.
    expect(detailOf('f')).toEqual(new Set(['category only']))
    expect(detailOf('g')).toEqual(new Set(['category only']))
    expect(shown.find(({ row }) => row.person === 'f0')).toMatchObject({ grade: ALL_GRADES, unit: null })
    expect(detailOf('k')).toEqual(new Set())
    expect(withheld).toBe(1)
    expect(coarsened).toBe(rows.length - 5 - 1)
  })
})
