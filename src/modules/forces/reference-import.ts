import { z } from 'zod'
import type { SheetRow } from '../../spreadsheets/read.js'
import { listProblems, type RowProblem, reasonOf } from '../../spreadsheets/validate.js'
import {
  type InspectionReference,
  type ReferenceInput,
  referenceInputSchema,
} from './inspection-reference.js'

/**
 * The forces' regions and HM Inspectors from a spreadsheet (CSV or XLSX): one row per force and date, in
 * the columns below. The file is checked whole (the dry run) and written only when every row is good,
 * all of it in one transaction.
 */

export const REFERENCE_COLUMNS = [
  'force',
  'effective_from',
  'region',
  'hmi_name',
  'hmi_honours',
  'confirmed',
  'source_note',
] as const
export const REFERENCE_REQUIRED_COLUMNS = ['force', 'effective_from', 'confirmed'] as const

/** 44 forces and the changes to them: a reference file is small, and a larger one is refused while read. */
export const REFERENCE_ROWS_LIMIT = 2_000

/** The form's field for each column: problems name the column people see. */
const COLUMN_OF: Record<string, string> = {
  effectiveFrom: 'effective_from',
  region: 'region',
  hmiName: 'hmi_name',
  hmiHonours: 'hmi_honours',
  confirmed: 'confirmed',
  sourceNote: 'source_note',
}

export type ReferenceChange = 'add' | 'change' | 'unchanged'

export interface CheckedReferenceRow {
  line: number
  forceCode: string
  forceName: string
  input: ReferenceInput
  change: ReferenceChange
}

export interface ReferencePlan {
  filename: string
  rows: CheckedReferenceRow[]
  /** The first problems by line… */
  problems: RowProblem[]
  /** …out of this many. */
  problemCount: number
}

/** The rows as a preview carries them to the confirmation, to be checked again there. */
export const carriedRowsSchema = z
  .array(
    z.object({
      line: z.number().int().min(1),
      values: z.record(z.string().max(100), z.string().max(2_000)),
    }),
  )
  .max(REFERENCE_ROWS_LIMIT)

const same = (input: ReferenceInput, row: InspectionReference) =>
  input.region === row.region &&
  input.hmiName === row.hmiName &&
  input.hmiHonours === row.hmiHonours &&
  input.confirmed === row.confirmed &&
  input.sourceNote === row.sourceNote

/**
 * Every row checked: the force by its code, the row's fields by the page's own rules (a confirmed row
 * names a region, an HM Inspector and its source), one row per force and date. Each row is compared
 * with what is recorded for that force and date.
 */
export function planReferenceImport(
  filename: string,
  sheet: readonly SheetRow[],
  forces: readonly { code: string; name: string }[],
  recorded: readonly InspectionReference[],
): ReferencePlan {
  const byCode = new Map(forces.map((force) => [force.code, force]))
  const current = new Map(recorded.map((row) => [`${row.forceCode}@${row.effectiveFrom}`, row]))
  const seen = new Map<string, number>()
  const rows: CheckedReferenceRow[] = []
  const problems: RowProblem[] = []
  for (const { line, values } of sheet) {
    const reasons: string[] = []
    const code = (values.force ?? '').trim().toLowerCase()
    const force = byCode.get(code)
    if (!code) reasons.push('force: give the force’s code, like cheshire')
    else if (!force) reasons.push(`force: no force has the code ${code}`)
    const parsed = referenceInputSchema.safeParse({
      effectiveFrom: values.effective_from ?? '',
      region: values.region,
      hmiName: values.hmi_name,
      hmiHonours: values.hmi_honours,
      confirmed: (values.confirmed ?? '').trim().toLowerCase(),
      sourceNote: values.source_note,
    })
    if (!parsed.success)
      reasons.push(
        reasonOf(
          new z.ZodError(
            parsed.error.issues.map((issue) => ({
              ...issue,
              path: issue.path.map((part) => COLUMN_OF[String(part)] ?? part),
            })),
          ),
        ),
      )
    if (parsed.success && force) {
      const key = `${force.code}@${parsed.data.effectiveFrom}`
      const earlier = seen.get(key)
      if (earlier !== undefined)
        reasons.push(
          `effective_from: ${force.code} from ${parsed.data.effectiveFrom} is already on line ${earlier}`,
        )
      else seen.set(key, line)
    }
    if (reasons.length || !parsed.success || !force) {
      problems.push({ line, reason: reasons.join('; ') })
      continue
    }
    const before = current.get(`${force.code}@${parsed.data.effectiveFrom}`)
    rows.push({
      line,
      forceCode: force.code,
      forceName: force.name,
      input: parsed.data,
      change: !before ? 'add' : same(parsed.data, before) ? 'unchanged' : 'change',
    })
  }
  if (!sheet.length) problems.push({ line: 1, reason: `${filename} has no rows` })
  return { filename, rows, ...listProblems(problems) }
}
