import { count, eq } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { staffMembers } from './schema.js'

/** A roster CSV's header and rows, as an HR system would write it. */
export function rosterCsv(
  rows: string[][],
  header = 'staff_number,name,grade,unit,start_date,leave_date',
): string {
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)
  return `${[header, ...rows.map((row) => row.map(quote).join(','))].join('\n')}\n`
}

const UNITS = ['Response – Eastern Area', 'Response – Western Area', 'Roads Policing', 'Contact Centre']
const GRADES = ['Constable', 'PC', 'Sergeant', 'Police Staff', 'Inspector']

/** Row `index` of a generated roster: staff number, name, grade, unit, start date, leave date. */
export function generatedRow(index: number, prefix = 'GEN'): string[] {
  const day = String(1 + (index % 28)).padStart(2, '0')
  return [
    `${prefix}${String(index).padStart(6, '0')}`,
    `Person ${index} Generated`,
    GRADES[index % GRADES.length] as string,
    UNITS[index % UNITS.length] as string,
    index % 2 ? `2001-03-${day}` : `${day}/03/2001`,
    index % 50 === 0 ? '2011-12-31' : '',
  ]
}

/** Rows in the staff_members table for a force, counted as the database owner (no row security). */
export async function countStaff(db: Database, forceId?: number): Promise<number> {
  const [row] = await db
    .select({ value: count() })
    .from(staffMembers)
    .where(forceId === undefined ? undefined : eq(staffMembers.forceId, forceId))
  return row?.value ?? 0
}

/** The text of an HTML page without tags, spaces collapsed, to look for what a person reads. */
export function pageText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}
