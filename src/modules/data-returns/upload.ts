import { NotFoundError } from '../../domain/errors.js'
import { DATA_RETURN_ITEMS, dataReturnItem } from '../../domain/inspections.js'
import type { SheetRow } from '../../spreadsheets/read.js'
import { listProblems, type RowProblem } from '../../spreadsheets/validate.js'
import { toXlsx } from '../../spreadsheets/write.js'
import type { DataReturnView, ReturnItemView } from './present.js'
import type { ValueRow } from './queries.js'
import { formatItemValue, parseItemValue, partProblems, writtenItemValue } from './rules.js'
import type { AssessmentFacts } from './service.js'

/**
 * The return's template: the XLSX a force downloads, fills in and uploads, read here into a preview and
 * the values that wait in the pending imports until the person confirms them.
 */

/** The name under which template uploads wait in the pending imports. */
export const DATA_RETURN_REGISTER = 'data-return'

export interface UploadPreview {
  filename: string
  items: {
    line: number
    code: string
    label: string
    value: number | null
    display: string
    status: 'to supply' | 'unchanged' | 'left blank'
  }[]
  /** The first bad rows, in line order (PROBLEMS_LISTED of them)… */
  problems: RowProblem[]
  /** …out of this many. */
  problemCount: number
  importId: string | null
}

interface PendingValue {
  assessmentId: string
  item: string
  value: number
}

/** The XLSX template of the return: one row per item, the current value filled in where there is one. */
export async function returnTemplate(view: DataReturnView): Promise<{ filename: string; data: Buffer }> {
  const { inspection, force } = view.assessment
  const data = await toXlsx(
    'Data return',
    [
      { header: 'Item', value: (item: ReturnItemView) => item.code },
      { header: 'Label', value: (item) => item.label },
      { header: 'Definition', value: (item) => item.definition },
      {
        header: 'What to write',
        value: (item) =>
          `${item.hint}. Period ${inspection.dataFrom} to ${inspection.dataTo}; census date ${inspection.censusDate}.${
            item.source === 'computed' || item.source === 'overridden'
              ? ' Computed from your records in Probity: leave as it is.'
              : ''
          }`,
      },
      { header: 'Value', value: (item) => writtenItemValue(item.kind, item.baseValue) },
    ],
    view.items,
  )
  return { filename: `data-return-${inspection.code}-${force.code}.xlsx`, data }
}

/**
 * The dry run of an uploaded template against the return's rows now: each item's value as read, and
 * every bad row with its line and reason; with the values that would change, by item code.
 */
export function previewOfUpload(
  filename: string,
  sheet: SheetRow[],
  current: Map<string, ValueRow>,
): { preview: UploadPreview; values: Record<string, number> } {
  const preview: UploadPreview = {
    filename,
    items: [],
    problems: [],
    problemCount: 0,
    importId: null,
  }
  const seen = new Map<string, number>()
  const values: Record<string, number> = {}
  const lines: Record<string, number> = {}
  for (const { line, values: cells } of sheet) {
    const code = (cells.item ?? '').trim()
    const written = (cells.value ?? '').trim()
    if (!code && !written && Object.values(cells).every((cell) => !cell.trim())) continue
    const item = dataReturnItem(code)
    if (!item) {
      preview.problems.push({
        line,
        reason: `item: ${code ? `${code} is not an item of the data return` : 'the item code is missing'}`,
      })
      continue
    }
    if (seen.has(code)) {
      preview.problems.push({ line, reason: `item: ${code} is already on line ${seen.get(code)}` })
      continue
    }
    seen.set(code, line)
    if (!written) {
      preview.items.push({ line, code, label: item.label, value: null, display: '', status: 'left blank' })
      continue
    }
    const parsed = parseItemValue(item.kind, written)
    if (!parsed.ok) {
      preview.problems.push({ line, reason: `value: ${parsed.reason}` })
      continue
    }
    const row = current.get(code)
    if (row?.source === 'computed' && row.value !== parsed.value) {
      preview.problems.push({
        line,
        reason: `value: ${item.label.toLowerCase()} is computed from your records (${formatItemValue(item.kind, row.value ?? null)}); ask for an override with a reason instead`,
      })
      continue
    }
    const unchanged = row !== undefined && row.value === parsed.value
    preview.items.push({
      line,
      code,
      label: item.label,
      value: parsed.value,
      display: formatItemValue(item.kind, parsed.value),
      status: unchanged ? 'unchanged' : 'to supply',
    })
    if (!unchanged) {
      values[code] = parsed.value
      lines[code] = line
    }
  }
  const after: Record<string, number | null> = {}
  for (const item of DATA_RETURN_ITEMS) {
    const row = current.get(item.code)
    after[item.code] = row?.overrideValue ?? values[item.code] ?? row?.value ?? null
  }
  for (const problem of partProblems(after))
    preview.problems.push({
      line: lines[problem.part] ?? lines[problem.whole] ?? seen.get(problem.part) ?? 0,
      reason: `value: ${problem.reason}`,
    })
  if (!sheet.length) preview.problems.push({ line: 1, reason: `${filename} has no rows of items` })
  Object.assign(preview, listProblems(preview.problems))
  return { preview, values }
}

/** The values to supply as they wait in the pending imports. */
export function pendingValues(assessment: AssessmentFacts, values: Record<string, number>): PendingValue[] {
  return Object.entries(values).map(([item, value]) => ({ assessmentId: assessment.id, item, value }))
}

/** A pending upload's values, by item code: only the force's own return's, else it is no longer there. */
export function confirmedValues(
  pending: { forceId: number; rows: unknown[] },
  assessment: AssessmentFacts,
): Record<string, number> {
  const rows = pending.rows as PendingValue[]
  if (pending.forceId !== assessment.force.id || rows.some((row) => row.assessmentId !== assessment.id))
    throw new NotFoundError('That upload has expired or was already confirmed')
  return Object.fromEntries(rows.map((row) => [row.item, row.value]))
}
