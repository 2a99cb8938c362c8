import {
  DATA_RETURN_ITEMS,
  DATA_RETURN_PARTS,
  type DataReturnItem,
  type DataReturnKind,
  dataReturnItem,
} from '../../domain/inspections.js'

/**
 * The pure rules of a data return: how each kind of item's value is written and read, what a valid
 * value is, and that a part never exceeds its whole. Values are stored as numbers: counts and FTEs as
 * they are, a rate as a share from 0 to 1 (people write and read it as a percentage), yes as 1 and no as 0.
 */

/** What a person is told to write for an item of each kind (the template's hint column, the form's hint). */
export const KIND_HINTS: Record<DataReturnKind, string> = {
  count: 'A whole number, 0 or more',
  fte: 'Full-time equivalents, 0 or more, up to 2 decimal places (like 6.5)',
  'fte-change': 'A change in full-time equivalents, up to 2 decimal places; negative for a fall (like -1.5)',
  rate: 'A percentage from 0 to 100, up to 2 decimal places (like 87.5)',
  'yes-no': 'yes or no',
}

export type ParsedValue = { ok: true; value: number } | { ok: false; reason: string }

const DECIMAL = /^-?\d+(\.\d+)?$/

/** Reads a value as a person writes it for an item of this kind; the reason says what is wrong. */
export function parseItemValue(kind: DataReturnKind, written: string): ParsedValue {
  const text = written.trim().replaceAll(',', '')
  if (!text) return { ok: false, reason: 'Enter a value' }
  switch (kind) {
    case 'count': {
      if (!/^\d+$/.test(text)) return { ok: false, reason: 'Enter a whole number, 0 or more' }
      const value = Number(text)
      if (value > 10_000_000) return { ok: false, reason: 'The number must be 10,000,000 or less' }
      return { ok: true, value }
    }
    case 'fte':
    case 'fte-change': {
      if (!DECIMAL.test(text) || (kind === 'fte' && text.startsWith('-')))
        return {
          ok: false,
          reason:
            kind === 'fte'
              ? 'Enter full-time equivalents as a number 0 or more, like 6.5'
              : 'Enter the change in full-time equivalents as a number, like 1.5 or -2',
        }
      if ((text.split('.')[1] ?? '').length > 2)
        return { ok: false, reason: 'Enter full-time equivalents to no more than 2 decimal places' }
      const value = Number(text)
      if (Math.abs(value) > 100_000) return { ok: false, reason: 'The full-time equivalents look wrong' }
      return { ok: true, value: value === 0 ? 0 : value }
    }
    case 'rate': {
      const bare = text.endsWith('%') ? text.slice(0, -1).trim() : text
      if (!DECIMAL.test(bare) || bare.startsWith('-'))
        return { ok: false, reason: 'Enter a percentage from 0 to 100, like 87.5' }
      if ((bare.split('.')[1] ?? '').length > 2)
        return { ok: false, reason: 'Enter the percentage to no more than 2 decimal places' }
      const percent = Number(bare)
      if (percent > 100) return { ok: false, reason: 'The percentage must be 100 or less' }
      return { ok: true, value: Math.round(percent * 100) / 10_000 }
    }
    case 'yes-no': {
      const lower = text.toLowerCase()
      if (['yes', 'y', 'true'].includes(lower)) return { ok: true, value: 1 }
      if (['no', 'n', 'false'].includes(lower)) return { ok: true, value: 0 }
      return { ok: false, reason: 'Enter yes or no' }
    }
  }
}

/** Whether a stored number is a valid value of the kind (what the API and the services check). */
export function checkStoredValue(kind: DataReturnKind, value: number): string | null {
  if (!Number.isFinite(value)) return 'The value must be a number'
  const twoPlaces = Math.abs(Math.round(value * 100) - value * 100) < 1e-6
  switch (kind) {
    case 'count':
      return Number.isInteger(value) && value >= 0 ? null : 'Enter a whole number, 0 or more'
    case 'fte':
      return value >= 0 && twoPlaces ? null : 'Enter full-time equivalents 0 or more, to 2 decimal places'
    case 'fte-change':
      return twoPlaces ? null : 'Enter the change in full-time equivalents to 2 decimal places'
    case 'rate':
      return value >= 0 && value <= 1 && Math.abs(Math.round(value * 10_000) - value * 10_000) < 1e-6
        ? null
        : 'Enter a percentage from 0 to 100, to 2 decimal places'
    case 'yes-no':
      return value === 0 || value === 1 ? null : 'Enter yes or no'
  }
}

const whole = new Intl.NumberFormat('en-GB')
const upToTwo = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 })

/** A value as people read it: 1,234; 6.5; +1.5 / −2 / 0; 87.5%; Yes / No; “Not known” for none. */
export function formatItemValue(kind: DataReturnKind, value: number | null): string {
  if (value === null) return 'Not known'
  switch (kind) {
    case 'count':
      return whole.format(value)
    case 'fte':
      return upToTwo.format(value)
    case 'fte-change':
      return value > 0 ? `+${upToTwo.format(value)}` : upToTwo.format(value)
    case 'rate':
      return `${upToTwo.format(value * 100)}%`
    case 'yes-no':
      return value === 1 ? 'Yes' : 'No'
  }
}

/** A value as a form or the template shows it to be written again (the inverse of parseItemValue). */
export function writtenItemValue(kind: DataReturnKind, value: number | null): string {
  if (value === null) return ''
  if (kind === 'rate') return String(Math.round(value * 10_000) / 100)
  if (kind === 'yes-no') return value === 1 ? 'yes' : 'no'
  return String(value)
}

/** A part that would exceed its whole: which item, and the sentence that says so. */
export interface PartProblem {
  part: string
  whole: string
  reason: string
}

/**
 * Every part that exceeds its whole among the values as they would stand (override, else the computed
 * or supplied value); an unknown value on either side is no problem.
 */
export function partProblems(values: Record<string, number | null | undefined>): PartProblem[] {
  const problems: PartProblem[] = []
  for (const { whole, part } of DATA_RETURN_PARTS) {
    const wholeValue = values[whole]
    const partValue = values[part]
    if (wholeValue === null || wholeValue === undefined || partValue === null || partValue === undefined)
      continue
    if (partValue > wholeValue) {
      const wholeItem = dataReturnItem(whole) as DataReturnItem
      const partItem = dataReturnItem(part) as DataReturnItem
      problems.push({
        part,
        whole,
        reason: `${partItem.label} (${formatItemValue(partItem.kind, partValue)}) cannot be more than ${wholeItem.label.toLowerCase()} (${formatItemValue(wholeItem.kind, wholeValue)})`,
      })
    }
  }
  return problems
}

/** The items people supply (never computed), e.g. whether there is a counter-corruption plan. */
export const SUPPLIED_ITEMS: readonly DataReturnItem[] = DATA_RETURN_ITEMS.filter((item) => !item.computed)
export const COMPUTED_ITEMS: readonly DataReturnItem[] = DATA_RETURN_ITEMS.filter((item) => item.computed)

/** Items whose rate per 1,000 workforce the comparison gives: counts of things, not the workforce itself. */
export const RATE_ITEMS: readonly DataReturnItem[] = DATA_RETURN_ITEMS.filter(
  (item) => item.kind === 'count' && item.code !== 'workforce',
)
