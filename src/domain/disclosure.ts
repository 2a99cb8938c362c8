import { GRADES, type Grade, standardGrade } from './grades.js'

/**
 * The disclosure rule of the published registers: no combination of grade, unit and category that
 * fewer than a minimum number of people share is shown. A row whose combination is too rare is shown
 * coarser — without its unit, then with its grade's band instead of its grade, then with no grade at
 * all — as soon as the coarser combination is shared by enough people among the rows shown that way;
 * a row too rare even by its category alone is withheld. Every combination published, at whatever
 * detail, is then shared by at least the minimum number of different people.
 */

/** The national default, and the least a force may set: five people, the usual small-number rule. */
export const DEFAULT_MINIMUM_GROUP = 5
export const LARGEST_MINIMUM_GROUP = 50

/** Grades that publication treats alike once a grade alone would pick someone out. */
export const GRADE_BANDS: readonly { band: string; grades: readonly Grade[] }[] = [
  { band: 'Police staff and PCSOs', grades: ['Police Community Support Officer', 'Police Staff'] },
  { band: 'Constables and sergeants', grades: ['Constable', 'Sergeant'] },
  {
    band: 'Inspectors, chief inspectors and staff managers',
    grades: ['Inspector', 'Police Staff Manager', 'Chief Inspector'],
  },
  {
    band: 'Superintendents and above',
    grades: GRADES.slice(GRADES.indexOf('Superintendent')),
  },
]
export const OTHER_GRADES = 'Other grades'
export const ALL_GRADES = 'All grades'

/** The band a grade (as written anywhere) falls in; grades not recognised share one band. */
export function gradeBand(grade: string): string {
  const standard = standardGrade(grade)
  return GRADE_BANDS.find(({ grades }) => standard && grades.includes(standard))?.band ?? OTHER_GRADES
}

/** How much of a row's combination is shown, from most to least. */
export const DETAILS = ['grade and unit', 'grade', 'grade band', 'category only'] as const
export type Detail = (typeof DETAILS)[number]

export interface QuasiIdentifiers {
  /** Who the row is about, so that one person's several rows count once. */
  person: string
  grade: string
  unit: string
  category: string
}

export interface DisclosedRow<Row> {
  row: Row
  detail: Detail
  /** The grade, its band or ALL_GRADES. */
  grade: string
  /** The unit, or null when it is not shown. */
  unit: string | null
}

export interface Disclosure<Row> {
  /** In the order given, without the withheld ones. */
  shown: DisclosedRow<Row>[]
  /** How many rows are shown with less than full detail. */
  coarsened: number
  /** How many rows are left out altogether. */
  withheld: number
  minimum: number
}

function shownAs(row: QuasiIdentifiers, detail: Detail): { grade: string; unit: string | null } {
  if (detail === 'grade and unit') return { grade: row.grade, unit: row.unit }
  if (detail === 'grade') return { grade: row.grade, unit: null }
  if (detail === 'grade band') return { grade: gradeBand(row.grade), unit: null }
  return { grade: ALL_GRADES, unit: null }
}

/** The combination a row is shown as, at a detail: what a reader can group rows by. */
function combination(row: QuasiIdentifiers, detail: Detail): string {
  const { grade, unit } = shownAs(row, detail)
  return JSON.stringify([detail, grade, unit, row.category])
}

/** Applies the rule with `minimum` people (at least 1) to the rows; see the module's comment. */
export function applyDisclosureRule<Row extends QuasiIdentifiers>(
  rows: readonly Row[],
  minimum: number,
): Disclosure<Row> {
  const detailOf = new Map<number, Detail>()
  let remaining = rows.map((_row, index) => index)
  for (const detail of DETAILS) {
    const people = new Map<string, Set<string>>()
    for (const index of remaining) {
      const row = rows[index] as Row
      const key = combination(row, detail)
      const group = people.get(key) ?? new Set<string>()
      group.add(row.person)
      people.set(key, group)
    }
    const enough = (index: number) =>
      (people.get(combination(rows[index] as Row, detail))?.size ?? 0) >= minimum
    for (const index of remaining) if (enough(index)) detailOf.set(index, detail)
    remaining = remaining.filter((index) => !enough(index))
  }
  const shown: DisclosedRow<Row>[] = []
  rows.forEach((row, index) => {
    const detail = detailOf.get(index)
    if (detail) shown.push({ row, detail, ...shownAs(row, detail) })
  })
  return {
    shown,
    coarsened: shown.filter(({ detail }) => detail !== 'grade and unit').length,
    withheld: rows.length - shown.length,
    minimum,
  }
}
