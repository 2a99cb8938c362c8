import { IMPORT_COLUMNS } from './fields.js'

/** A CSV cell as a spreadsheet writes it: quoted when it holds a comma, a quote or a new line. */
export function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell
}

/** A gifts-and-hospitality import file: the header (the template's columns by default), then the rows. */
export function giftsCsv(
  rows: readonly (readonly string[])[],
  header: readonly string[] = IMPORT_COLUMNS,
): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`
}

const DONORS: [string, string][] = [
  ['Acme Vehicle Leasing Ltd', 'contractor'],
  ['Northern Evening Gazette', 'media'],
  ['Cheshire Chamber of Commerce', 'partner agency'],
  ['Mrs J. Smith', 'public'],
  ['Secure Radio Systems plc', 'supplier'],
  ['Rotary Club of Chester', 'other'],
  ['Crimestoppers Trust', 'partner agency'],
]
const GIFTS = [
  'Bottle of wine, Christmas',
  'Box of chocolates from a grateful resident',
  'Tickets to the rugby, "hospitality box"',
  'Desk calendar and pen set',
  'Flowers after a family liaison case',
]
const HOSPITALITY = [
  'Dinner at the annual awards',
  'Lunch at a supplier briefing',
  'Conference place and overnight stay',
  'Drinks reception, civic centre',
]
const APPROVERS = ['', '', 'Supt A. Jones', 'Ch Insp R. Patel', 'DCC M. Evans']
const DISPOSALS_ACCEPTED = ['kept', 'kept', 'donated', 'destroyed', '']
const DISPOSALS_DECLINED = ['returned', '', 'returned']

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * Row `index` of a generated import (every row valid, each a different record): the staff number is
 * picked from `staffNumbers`; offers between 2012 and 2021, written the ways people write dates.
 */
export function generatedGiftRow(index: number, staffNumbers: readonly string[]): string[] {
  const kind = index % 3 === 0 ? 'hospitality' : 'gift'
  const [donorName, donorType] = DONORS[index % DONORS.length] as [string, string]
  const what = kind === 'gift' ? GIFTS[index % GIFTS.length] : HOSPITALITY[index % HOSPITALITY.length]
  const year = 2012 + (index % 10)
  const month = 1 + (index % 12)
  const day = 1 + (index % 28)
  const offered = index % 4 === 0 ? `${day}/${month}/${year}` : `${year}-${pad(month)}-${pad(day)}`
  const declared = index % 5 === 0 ? '' : `${year}-${pad(month)}-${pad(Math.min(28, day + (index % 7)))}`
  const outcome = index % 4 === 1 ? 'declined' : 'accepted'
  const disposals = outcome === 'declined' ? DISPOSALS_DECLINED : DISPOSALS_ACCEPTED
  const pounds = (index * 7919) % 500
  return [
    staffNumbers[index % staffNumbers.length] as string,
    index % 11 === 0 ? kind.toUpperCase() : kind,
    `${what} (ref ${index})`,
    donorName,
    index % 9 === 0 ? donorType.toUpperCase() : donorType,
    index % 6 === 0 ? `£${pounds}.50` : String(pounds),
    offered,
    declared,
    outcome,
    APPROVERS[index % APPROVERS.length] as string,
    disposals[index % disposals.length] as string,
    index % 13 === 0 ? 'Declared late; line manager informed' : '',
  ]
}
