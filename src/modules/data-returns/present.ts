import { DATA_RETURN_ITEMS, type DataReturnItem, type DataReturnKind } from '../../domain/inspections.js'
import { formatDay } from '../../web/forms.js'
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

/** The counts behind a computed value, as a sentence or two for the page. */
export function detailText(item: ReturnItemView): string {
  const detail = item.detail
  if (!detail) return ''
  if (typeof detail.reason === 'string') return detail.reason
  const d = (key: string) => (typeof detail[key] === 'string' ? formatDay(detail[key] as string) : '')
  switch (item.code) {
    case 'second-job-applications':
    case 'second-job-approvals':
      return `Submitted ${d('from')} to ${d('to')}: ${detail.applications} applications, ${detail.approved} approved, ${detail.refused} refused, ${detail.pending} undecided, ${detail.withdrawn} withdrawn.`
    case 'media-disclosure-investigations':
    case 'media-disclosure-continuing':
      return `Opened ${d('from')} to ${d('to')}: ${detail.opened}; continuing on ${d('census')}: ${detail.continuing}; closed by then: ${detail.closed}.`
    case 'social-media-referrals':
      return `Referred ${d('from')} to ${d('to')}: ${detail.referred} (${detail.accepted} accepted, ${detail.noAction} no action, ${detail.awaiting} awaiting a response).`
    case 'acu-posts-filled':
      return detail.figuresOf
        ? `Latest figures on or before ${d('census')}: those of ${d('figuresOf')} (${detail.postsFilled} filled of ${detail.postsFunded} funded).`
        : `No staffing figures on or before ${d('census')}.`
    case 'acu-staff-change': {
      const before = detail.before as { asOf: string; postsFilled: number } | null
      const after = detail.after as { asOf: string; postsFilled: number } | null
      if (!before || !after) return `No staffing figures on or before ${!before ? d('from') : d('to')}.`
      return `${before.postsFilled} filled on ${formatDay(before.asOf)} (figures for the revisited census, ${d('from')}) → ${after.postsFilled} filled on ${formatDay(after.asOf)}.`
    }
    case 'workforce':
      return `${detail.serving} people on the roster serving on ${d('census')}.`
    default:
      if (item.code.startsWith('policy-awareness-'))
        return `Version ${detail.version}: ${detail.acknowledged} of ${detail.asked} asked had acknowledged it by ${d('census')}.`
      return ''
  }
}

export const SOURCE_TAGS: Record<string, { text: string; classes: string }> = {
  computed: { text: 'Computed', classes: 'govuk-tag--blue' },
  supplied: { text: 'Supplied', classes: 'govuk-tag--purple' },
  overridden: { text: 'Overridden', classes: 'govuk-tag--orange' },
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
