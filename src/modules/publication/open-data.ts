import { DATA_RETURN_ITEMS, type DataReturnKind } from '../../domain/inspections.js'
import { suppressTable } from '../../domain/suppression.js'
import { type Column, toCsv } from '../../spreadsheets/write.js'
import type { ForceFacts, NationalFacts } from './facts.js'
import type { VersionView } from './present.js'

/**
 * The open data of an inspection: the figures of every force's latest published document, the same
 * facts its press release and report state. Counts from 1 up to the inspection's suppression threshold
 * (5 unless a publisher gave a reason for less) are shown as "*", with secondary suppression so the
 * national totals give none away; press releases and reports are not changed.
 */

const UNITS: Record<DataReturnKind, string> = {
  count: 'count',
  fte: 'full-time equivalent posts',
  'fte-change': 'change in full-time equivalent posts (negative: fewer)',
  rate: 'proportion from 0 to 1',
  'yes-no': '1 = yes, 0 = no',
}

export interface DictionaryEntry {
  code: string
  label: string
  definition: string
  unit: string
}

/** What each column of the open data means. */
export const DATA_DICTIONARY: DictionaryEntry[] = [
  {
    code: 'force_code',
    label: 'Force code',
    definition: 'The force’s code in the forces reference list.',
    unit: 'text',
  },
  { code: 'force_name', label: 'Force', definition: 'The force’s name.', unit: 'text' },
  {
    code: 'headline_judgement',
    label: 'Headline judgement',
    definition:
      'The headline judgement confirmed by a second inspector (moderation); blank when none was made.',
    unit: 'text',
  },
  ...DATA_RETURN_ITEMS.map((item) => ({
    code: item.code,
    label: item.label,
    definition: item.definition,
    unit: UNITS[item.kind],
  })),
  {
    code: 'content_hash',
    label: 'Content hash',
    definition: 'SHA-256 of the published document the figures come from, as shown on its page.',
    unit: 'hexadecimal text',
  },
]

export interface OpenDataRow {
  forceCode: string
  forceName: string
  headline: string | null
  versionId: string
  contentHash: string
  figures: Record<string, number | string | null>
}

export interface OpenData {
  inspection: { id: string; code: string; title: string } | null
  /** Counts from 1 up to this are withheld (0: none), with secondary suppression. */
  suppressUpTo: number
  /** Items whose national total must not be published beside these figures. */
  totalsWithheld: string[]
  rows: OpenDataRow[]
}

/** The kinds of figure that count people (or posts) and so are suppressed when small. */
const SUPPRESSIBLE = DATA_RETURN_ITEMS.flatMap((item, index) =>
  item.kind === 'count' || item.kind === 'fte' ? [index] : [],
)

/**
 * The open data rows from the published force documents (a force report preferred to a press release),
 * small numbers withheld as "*" by the rule of src/domain/suppression.ts.
 */
export function openDataOf(versions: readonly VersionView[], suppressUpTo: number): OpenData {
  const byForce = new Map<string, VersionView>()
  for (const version of versions) {
    if (!version.force || version.kind === 'national-review') continue
    const existing = byForce.get(version.force.code)
    const better =
      !existing ||
      (version.kind === 'force-report' && existing.kind !== 'force-report') ||
      (version.kind === existing.kind && version.version > existing.version)
    if (better) byForce.set(version.force.code, version)
  }
  const documents = [...byForce.values()]
    .map((version) => ({ version, facts: version.facts as ForceFacts }))
    .sort((a, b) => a.facts.force.name.localeCompare(b.facts.force.name))
  const table = documents.map(({ facts }) =>
    DATA_RETURN_ITEMS.map((item) => facts.figures.find((entry) => entry.code === item.code)?.value ?? null),
  )
  const { withheld, totalsWithheld } = suppressTable(table, suppressUpTo, SUPPRESSIBLE)
  const rows = documents.map(({ version, facts }, r) => ({
    forceCode: facts.force.code,
    forceName: facts.force.name,
    headline: facts.pressRelease.headline,
    versionId: version.id,
    contentHash: version.contentHash,
    figures: Object.fromEntries(
      DATA_RETURN_ITEMS.map((item, c) => [item.code, withheld[r]?.[c] ? '*' : (table[r]?.[c] ?? null)]),
    ),
  }))
  const first = versions.find((version) => version.facts && 'inspection' in version.facts)
  const inspection = first ? (first.facts as ForceFacts | NationalFacts).inspection : null
  return {
    inspection: inspection ? { id: inspection.id, code: inspection.code, title: inspection.title } : null,
    suppressUpTo,
    totalsWithheld: totalsWithheld.map((c) => DATA_RETURN_ITEMS[c]?.code as string),
    rows,
  }
}

/** The suppression rule in plain words, for pages and the API. */
export function suppressionWording(suppressUpTo: number): string {
  return suppressUpTo > 0
    ? `Counts from 1 to ${suppressUpTo} are shown as "*" (a small number could identify people). Where the national total would give such a figure away, the next smallest figure of that item is shown as "*" too.`
    : 'Every figure is shown as it is: small numbers are not withheld.'
}

const OPEN_DATA_COLUMNS: Column<OpenDataRow>[] = [
  { header: 'force_code', value: (row) => row.forceCode },
  { header: 'force_name', value: (row) => row.forceName },
  { header: 'headline_judgement', value: (row) => row.headline },
  ...DATA_RETURN_ITEMS.map((item) => ({
    header: item.code,
    value: (row: OpenDataRow) => row.figures[item.code],
  })),
  { header: 'content_hash', value: (row) => row.contentHash },
]

export function openDataCsv(data: OpenData): string {
  return toCsv(OPEN_DATA_COLUMNS, data.rows)
}

export function dictionaryCsv(): string {
  return toCsv<DictionaryEntry>(
    [
      { header: 'item_code', value: (entry) => entry.code },
      { header: 'label', value: (entry) => entry.label },
      { header: 'definition', value: (entry) => entry.definition },
      { header: 'unit', value: (entry) => entry.unit },
    ],
    DATA_DICTIONARY,
  )
}

export function openDataJson(data: OpenData) {
  return {
    inspection: data.inspection,
    suppression: {
      rule: suppressionWording(data.suppressUpTo),
      upTo: data.suppressUpTo,
      totalsWithheld: data.totalsWithheld,
    },
    dictionary: DATA_DICTIONARY,
    forces: data.rows.map((row) => ({
      forceCode: row.forceCode,
      forceName: row.forceName,
      headlineJudgement: row.headline,
      figures: row.figures,
      source: { versionId: row.versionId, contentHash: row.contentHash },
    })),
  }
}
