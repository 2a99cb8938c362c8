import { DATA_RETURN_ITEMS, type DataReturnItem, type DataReturnKind } from '../../domain/inspections.js'
import type { ColumnStatistics, ComparisonInput, ComparisonRow } from './comparison.js'
import type { ValueRow } from './queries.js'
import { formatItemValue, KIND_HINTS } from './rules.js'
import type { AssessmentFacts } from './service.js'
import type { RecordChange } from './staleness.js'

export type ValueSource = 'computed' | 'supplied' | 'overridden'

/** One item of a force's return as pages and the API show it. */
export interface ReturnItemView {
  code: string
  label: string
  definition: string
  kind: DataReturnKind
  hint: string
  /** Whether Probity computes the item from the force's records. */
  computable: boolean
  /** The value as it stands: the override, else the computed or supplied value; null when none. */
  value: number | null
  display: string
  /** Where the standing value came from; null while the item has no value. */
  source: ValueSource | null
  /** How the value underneath the override came: computed or supplied. */
  baseSource: 'computed' | 'supplied' | null
  baseValue: number | null
  baseDisplay: string
  detail: Record<string, unknown> | null
  recordedAt: Date | null
  override: { value: number; display: string; reason: string; at: Date | null } | null
}

export interface DataReturnView {
  assessment: AssessmentFacts
  items: ReturnItemView[]
  /** When any item was last computed or supplied. */
  updatedAt: Date | null
  /** The computed items whose records now give another figure than the one stored (none: up to date). */
  changes: RecordChange[]
  /** The acknowledgement of exactly these changes, when someone recorded one. */
  acknowledgement: { by: string; at: string; reason: string } | null
}

export interface ComparisonView {
  inspection: AssessmentFacts['inspection']
  rows: ComparisonRow[]
  statistics: ColumnStatistics[]
}

export function standing(row: ValueRow | undefined): number | null {
  if (!row) return null
  return row.overrideValue ?? row.value ?? null
}

export function toView(item: DataReturnItem, row: ValueRow | undefined): ReturnItemView {
  const overridden = row?.overrideValue !== null && row?.overrideValue !== undefined
  const value = standing(row)
  return {
    code: item.code,
    label: item.label,
    definition: item.definition,
    kind: item.kind,
    hint: KIND_HINTS[item.kind],
    computable: item.computed,
    value,
    display: row ? formatItemValue(item.kind, value) : 'No value yet',
    source: !row ? null : overridden ? 'overridden' : row.source,
    baseSource: row?.source ?? null,
    baseValue: row?.value ?? null,
    baseDisplay: row ? formatItemValue(item.kind, row.value ?? null) : '',
    detail: row?.detail ?? null,
    recordedAt: row?.recordedAt ?? null,
    override:
      row && overridden
        ? {
            value: row.overrideValue as number,
            display: formatItemValue(item.kind, row.overrideValue as number),
            reason: row.overrideReason ?? '',
            at: row.overriddenAt,
          }
        : null,
  }
}

/** What the audit trail keeps of one item's row. */
export function audited(row: ValueRow | undefined) {
  if (!row) return null
  return {
    item: row.item,
    source: row.source,
    value: row.value,
    overrideValue: row.overrideValue,
    overrideReason: row.overrideReason,
  }
}

/** Each force's values as they stand, by assessment id: every item, null where its return has none. */
export function standingValues(
  assessments: readonly AssessmentFacts[],
  rows: readonly ValueRow[],
): Map<string, Record<string, number | null>> {
  const values = new Map<string, Record<string, number | null>>()
  for (const assessment of assessments) {
    const mine = new Map(
      rows
        .filter((row) => row.assessmentId === assessment.id && row.forceId === assessment.force.id)
        .map((row) => [row.item, row]),
    )
    values.set(
      assessment.id,
      Object.fromEntries(DATA_RETURN_ITEMS.map((item) => [item.code, standing(mine.get(item.code))])),
    )
  }
  return values
}

/** The national comparison's input: each force, with its officers (FTE), and its values as they stand. */
export function comparisonInputs(
  assessments: readonly AssessmentFacts[],
  rows: readonly ValueRow[],
  officersFte: Map<string, number | null>,
): ComparisonInput[] {
  const byAssessment = new Map<string, Record<string, number | null>>()
  for (const row of rows) {
    const values = byAssessment.get(row.assessmentId) ?? {}
    values[row.item] = standing(row)
    byAssessment.set(row.assessmentId, values)
  }
  return assessments.map((assessment) => ({
    force: { ...assessment.force, officersFte: officersFte.get(assessment.force.code) ?? null },
    values: byAssessment.get(assessment.id) ?? {},
  }))
}
