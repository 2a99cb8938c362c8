import { userIdOf } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { DATA_RETURN_ITEMS, type DataReturnItem, dataReturnItem } from '../../domain/inspections.js'
import type { ComputedValue } from './compute.js'
import { audited, type ReturnItemView, standing, toView } from './present.js'
import {
  auditReturn,
  NO_OVERRIDE,
  type OverrideColumns,
  type ReturnWrite,
  selectReturnRows,
  type ValueRow,
  writeOverrideColumns,
  writeValue,
} from './queries.js'
import {
  checkStoredValue,
  formatItemValue,
  parseItemValue,
  partProblems,
  SUPPLIED_ITEMS,
  writtenItemValue,
} from './rules.js'
import { changesKey, type RecordChange } from './staleness.js'

/**
 * The changes to a force's return, checked and written inside the caller's transaction: values computed
 * from the records, supplied by the force, imported from a published document, overrides, and the
 * acknowledgement that the records changed since.
 */

/** The audit trail's action for acknowledging that a return's records changed since it was computed. */
export const ACKNOWLEDGE_CHANGES = 'acknowledge-changes'

export function requireItem(code: unknown, field = 'item'): DataReturnItem {
  const item = typeof code === 'string' ? dataReturnItem(code) : undefined
  if (!item) throw new ValidationError({ [field]: 'Select an item of the data return' })
  return item
}

export function reasonOf(input: Record<string, unknown>, message: string): string {
  const reason = typeof input.reason === 'string' ? input.reason.trim() : ''
  if (!reason) throw new ValidationError({ reason: message })
  if (reason.length > 2000)
    throw new ValidationError({ reason: 'The reason must be 2,000 characters or fewer' })
  return reason
}

/** What an override asks for (item, value and reason), checked; every problem at once. */
export function overrideInput(input: Record<string, unknown>): {
  item: DataReturnItem
  value: number
  reason: string
} {
  const item = requireItem(input.item)
  const errors: Record<string, string> = {}
  const written = typeof input.value === 'number' ? writtenItemValue(item.kind, input.value) : input.value
  const parsed =
    typeof input.value === 'number' && item.kind === 'rate'
      ? // The API takes a rate as a share from 0 to 1, as it returns it.
        checkStoredValue(item.kind, input.value)
        ? { ok: false as const, reason: 'Enter the rate as a share from 0 to 1' }
        : { ok: true as const, value: input.value }
      : parseItemValue(item.kind, typeof written === 'string' ? written : '')
  if (!parsed.ok) errors.value = parsed.reason
  const reason = typeof input.reason === 'string' ? input.reason.trim() : ''
  if (!reason) errors.reason = 'Enter the reason for overriding the value'
  else if (reason.length > 2000) errors.reason = 'The reason must be 2,000 characters or fewer'
  if (Object.keys(errors).length || !parsed.ok) throw new ValidationError(errors)
  return { item, value: parsed.value, reason }
}

/** The values the force typed in the form, by item code; a blank leaves the item as it is. */
export function suppliedInput(input: Record<string, unknown>): Record<string, number> {
  const values: Record<string, number> = {}
  const errors: Record<string, string> = {}
  for (const item of SUPPLIED_ITEMS) {
    const written = input[item.code]
    if (typeof written !== 'string' || !written.trim()) continue
    const parsed = parseItemValue(item.kind, written)
    if (parsed.ok) values[item.code] = parsed.value
    else
      errors[item.code] = `${item.label}: ${parsed.reason.charAt(0).toLowerCase()}${parsed.reason.slice(1)}`
  }
  if (Object.keys(errors).length) throw new ValidationError(errors)
  if (!Object.keys(values).length)
    throw new ValidationError({ [SUPPLIED_ITEMS[0]?.code ?? 'form']: 'Enter a value' })
  return values
}

/**
 * Refuses a change that would leave a part above its whole: `changes` are the values that would stand
 * (after any override), the reason goes under `field` (or the part's code).
 */
function checkParts(current: Map<string, ValueRow>, changes: Record<string, number | null>, field?: string) {
  const after: Record<string, number | null> = {}
  for (const item of DATA_RETURN_ITEMS) after[item.code] = standing(current.get(item.code))
  Object.assign(after, changes)
  const problems = partProblems(after)
  if (problems.length)
    throw new ValidationError({
      [field ?? (problems[0]?.part as string)]: problems.map((problem) => problem.reason).join('; '),
    })
}

/**
 * Stores every computed item beside any override, audited as one event with the values before and after.
 * An item the force supplied is left as supplied.
 */
export async function storeComputed(
  write: ReturnWrite,
  computed: Record<string, ComputedValue>,
): Promise<{ changed: string[]; skipped: string[] }> {
  const { tx, caller, assessment, now } = write
  const current = await selectReturnRows(tx, assessment)
  const skipped = Object.keys(computed).filter((code) => current.get(code)?.source === 'supplied')
  const after: Record<string, number | null> = {}
  for (const item of DATA_RETURN_ITEMS) {
    const row = current.get(item.code)
    const fresh = computed[item.code]
    after[item.code] =
      row?.overrideValue ?? (fresh && row?.source !== 'supplied' ? fresh.value : (row?.value ?? null))
  }
  const problems = partProblems(after)
  if (problems.length)
    throw new ValidationError({
      [problems[0]?.part as string]:
        `${problems.map((problem) => problem.reason).join('; ')}: change or remove the override first`,
    })
  const changed: string[] = []
  const before: Record<string, unknown> = {}
  const written: Record<string, unknown> = {}
  for (const [code, { value, detail }] of Object.entries(computed)) {
    if (skipped.includes(code)) continue
    const row = current.get(code)
    if (!row || row.value !== value) {
      changed.push(code)
      before[code] = row?.value ?? null
      written[code] = value
    }
    await writeValue(tx, assessment, code, {
      source: 'computed',
      value,
      detail,
      recordedBy: userIdOf(caller),
      recordedAt: now,
    })
  }
  await auditReturn(write, {
    action: 'recalculate',
    before,
    after: { inspection: assessment.inspection.code, changed: written, skipped },
  })
  return { changed, skipped }
}

/**
 * Stores values the force supplies (form or confirmed template), in one transaction, audited. An item
 * that holds a value computed from the records is not replaced this way: that takes an override.
 */
export async function storeSupplied(
  write: ReturnWrite,
  values: Record<string, number>,
  action: string,
  extra: Record<string, unknown> = {},
): Promise<string[]> {
  const { tx, caller, assessment, now } = write
  const current = await selectReturnRows(tx, assessment)
  const errors: Record<string, string> = {}
  for (const [code, value] of Object.entries(values)) {
    const row = current.get(code)
    if (row?.source === 'computed' && row.value !== value)
      errors[code] = `${dataReturnItem(code)?.label} is computed from your records (${formatItemValue(
        (dataReturnItem(code) as DataReturnItem).kind,
        row.value ?? null,
      )}): ask for an override with a reason instead`
  }
  if (Object.keys(errors).length) throw new ValidationError(errors)
  const supplied = Object.fromEntries(
    Object.entries(values).filter(([code]) => current.get(code)?.source !== 'computed'),
  )
  // A supplied value stands unless an override sits on top of it.
  checkParts(
    current,
    Object.fromEntries(
      Object.entries(supplied).map(([code, value]) => [code, current.get(code)?.overrideValue ?? value]),
    ),
  )
  const changed: string[] = []
  const before: Record<string, unknown> = {}
  for (const [code, value] of Object.entries(supplied)) {
    const row = current.get(code)
    if (row && row.value === value) continue
    changed.push(code)
    before[code] = row?.value ?? null
    await writeValue(tx, assessment, code, {
      source: 'supplied',
      value,
      detail: null,
      recordedBy: userIdOf(caller),
      recordedAt: now,
    })
  }
  await auditReturn(write, {
    action,
    before,
    after: { ...extra, supplied: Object.fromEntries(changed.map((code) => [code, supplied[code]])) },
  })
  return changed
}

/** Refuses values a published document states that no item of the return could hold. */
export function checkPublishedValues(values: Record<string, number>) {
  const errors: Record<string, string> = {}
  for (const [code, value] of Object.entries(values)) {
    const item = requireItem(code)
    const problem = checkStoredValue(item.kind, value)
    if (problem) errors[code] = `${item.label}: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`
  }
  if (Object.keys(errors).length) throw new ValidationError(errors)
}

/**
 * Stores the values a published document states as the force's supplied values, each noting where it
 * came from; an item that already has a value only when `replace` is set, clearing any override on it.
 */
export async function storePublished(
  write: ReturnWrite,
  values: Record<string, number>,
  source: string,
  options: { replace: boolean },
): Promise<{ changed: string[] }> {
  const { tx, caller, assessment, now } = write
  const current = await selectReturnRows(tx, assessment)
  const held = Object.keys(values).filter((code) => {
    const row = current.get(code)
    return row && (row.value !== null || row.overrideValue !== null)
  })
  if (held.length && !options.replace)
    throw new ValidationError({
      replace: `The force’s data return already has values for ${held
        .map((code) => dataReturnItem(code)?.label.toLowerCase())
        .join(', ')}: tick “Replace” to replace them`,
    })
  checkParts(current, values)
  const before: Record<string, unknown> = {}
  for (const [code, value] of Object.entries(values)) {
    before[code] = audited(current.get(code))
    await writeValue(tx, assessment, code, {
      source: 'supplied',
      value,
      // `reason` is what the return's page shows under the item's definition.
      detail: { importedFrom: source, reason: `Imported from ${source}` },
      recordedBy: userIdOf(caller),
      recordedAt: now,
      ...NO_OVERRIDE,
    })
  }
  await auditReturn(write, {
    action: 'import-published',
    before,
    after: { inspection: assessment.inspection.code, importedFrom: source, supplied: values },
  })
  return { changed: Object.keys(values) }
}

/**
 * Writes an item's override columns (`NO_OVERRIDE` clears them) and audits the row before and after,
 * with anything `noted` beside the after: the item as it then stands.
 */
async function writeOverride(
  write: ReturnWrite,
  item: DataReturnItem,
  row: ValueRow,
  change: { action: string; override: OverrideColumns; noted?: Record<string, unknown> },
): Promise<ReturnItemView> {
  const updated = await writeOverrideColumns(write.tx, row.id, change.override)
  await auditReturn(write, {
    action: change.action,
    before: audited(row),
    after: change.noted ? { ...audited(updated), ...change.noted } : audited(updated),
  })
  return toView(item, updated)
}

/**
 * Overrides an item's value with a reason (a first override or a changed one): the computed or supplied
 * value stays beside it, and a part may never exceed its whole.
 */
export async function storeOverride(
  write: ReturnWrite,
  item: DataReturnItem,
  { value, reason }: { value: number; reason: string },
): Promise<ReturnItemView> {
  const { tx, caller, assessment, now } = write
  const current = await selectReturnRows(tx, assessment)
  const row = current.get(item.code)
  if (!row)
    throw new ValidationError({
      value: 'This item has no value to override yet: recalculate the return from the records, or supply it',
    })
  checkParts(current, { [item.code]: value }, 'value')
  return writeOverride(write, item, row, {
    action: row.overrideValue === null ? 'override' : 'change-override',
    override: {
      overrideValue: value,
      overrideReason: reason,
      overriddenBy: userIdOf(caller),
      overriddenAt: now,
    },
  })
}

/** Removes an item's override, with a reason: the computed or supplied value stands again. */
export async function clearOverride(
  write: ReturnWrite,
  item: DataReturnItem,
  reason: string,
): Promise<ReturnItemView> {
  const { tx, assessment } = write
  const current = await selectReturnRows(tx, assessment)
  const row = current.get(item.code)
  if (!row || row.overrideValue === null) throw new ValidationError({ item: 'This item is not overridden' })
  checkParts(current, { [item.code]: row.value ?? null }, 'reason')
  return writeOverride(write, item, row, {
    action: 'remove-override',
    override: NO_OVERRIDE,
    noted: { reason },
  })
}

/** Records that the return stands although exactly these `changes` to its records were made since. */
export async function acknowledge(
  write: ReturnWrite,
  changes: RecordChange[],
  reason: string,
): Promise<void> {
  await auditReturn(write, {
    action: ACKNOWLEDGE_CHANGES,
    before: null,
    after: {
      key: changesKey(changes),
      reason,
      changes: changes.map(({ code, stored, current }) => ({ code, stored, current })),
    },
  })
}
