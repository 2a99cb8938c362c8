import { type DataReturnItem, dataReturnItem } from '../../domain/inspections.js'
import { formatItemValue } from './rules.js'

/**
 * Whether a stored return still says what the records say. The computed items are stored when someone
 * recalculates; a record added or changed afterwards (a media-disclosure case opened inside the period)
 * leaves the stored value behind. These pure functions name each item whose records now give another
 * figure, old → new, so the return's page says so and approval or publication waits for a recalculation
 * or an explicit, audited acknowledgement of exactly those changes.
 */

/** One computed item whose records now give another figure than the one stored. */
export interface RecordChange {
  code: string
  label: string
  stored: number | null
  current: number | null
  storedDisplay: string
  currentDisplay: string
}

/** What the comparison needs of a stored item: where its value came from, and the value. */
export interface StoredItem {
  source: 'computed' | 'supplied'
  value: number | null
}

/**
 * The computed items whose stored value differs from what the records give now. Supplied items are the
 * force's own figures, and an item never computed has nothing stored to go stale: neither is listed.
 */
export function recordChanges(
  stored: ReadonlyMap<string, StoredItem>,
  current: Readonly<Record<string, { value: number | null }>>,
): RecordChange[] {
  const changes: RecordChange[] = []
  for (const [code, fresh] of Object.entries(current)) {
    const row = stored.get(code)
    const item = dataReturnItem(code) as DataReturnItem
    if (row?.source !== 'computed' || !item) continue
    if ((row.value ?? null) === (fresh.value ?? null)) continue
    changes.push({
      code,
      label: item.label,
      stored: row.value ?? null,
      current: fresh.value ?? null,
      storedDisplay: formatItemValue(item.kind, row.value ?? null) || 'no value',
      currentDisplay: formatItemValue(item.kind, fresh.value ?? null) || 'no value',
    })
  }
  return changes
}

/** The changes in words: "Media-disclosure investigations 4 → 5; …". */
export function describeChanges(changes: readonly RecordChange[]): string {
  return changes
    .map((change) => `${change.label} ${change.storedDisplay} → ${change.currentDisplay}`)
    .join('; ')
}

/** A key naming exactly these changes: an acknowledgement holds only while the changes are the same. */
export function changesKey(changes: readonly RecordChange[]): string {
  return changes.map((change) => `${change.code}:${change.stored}>${change.current}`).join('|')
}
