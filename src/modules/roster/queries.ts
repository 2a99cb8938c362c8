import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  ilike,
  inArray,
  isNull,
  lt,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { countAhead, type ListTotal } from '../../db/counting.js'
import { contains, matchesSearch, narrowedBySearch, type SearchedTable } from '../../db/search-text.js'
import type { Transaction } from '../../db/tenancy.js'
import { GRADES } from '../../domain/grades.js'
import type { RosterRow } from './rows.js'
import { staffMembers } from './schema.js'

export type StaffMemberRow = typeof staffMembers.$inferSelect

export const ROSTER_STATUSES = ['current', 'left', 'all'] as const
export type RosterStatus = (typeof ROSTER_STATUSES)[number]

export const ROSTER_SORTS = ['name', 'staffNumber', 'grade', 'unit', 'startDate', 'leaveDate'] as const
export type RosterSort = (typeof ROSTER_SORTS)[number]

export interface RosterFilter {
  /** Part of a name or staff number, in any case. */
  text?: string
  unit?: string
  grade?: string
  /** Any of these grades (as stored, the standard names). */
  grades?: readonly string[]
  status: RosterStatus
}

/** Still serving on `today`: no leave date, or one that has not passed. */
export function isServing(today: string) {
  return or(isNull(staffMembers.leaveDate), gte(staffMembers.leaveDate, today)) as SQL
}

/** How many of each force's staff had started by `day` and were still serving, a row for each force with any. */
export function selectServingCounts(tx: Transaction, forceIds: readonly number[], day: string) {
  return tx
    .select({ forceId: staffMembers.forceId, value: count() })
    .from(staffMembers)
    .where(
      and(
        inArray(staffMembers.forceId, [...forceIds]),
        or(isNull(staffMembers.startDate), lte(staffMembers.startDate, day)),
        isServing(day),
      ),
    )
    .groupBy(staffMembers.forceId)
}

export function rosterConditions(forceId: number, filter: RosterFilter, today: string): SQL {
  const conditions: SQL[] = [eq(staffMembers.forceId, forceId)]
  if (filter.text) {
    conditions.push(matchesSearch(staffMembers, filter.text, { unit: false }))
  }
  if (filter.unit) conditions.push(eq(staffMembers.unit, filter.unit))
  if (filter.grade) conditions.push(eq(staffMembers.grade, filter.grade))
  if (filter.grades) conditions.push(inArray(staffMembers.grade, [...filter.grades]))
  if (filter.status === 'current') conditions.push(isServing(today))
  if (filter.status === 'left') conditions.push(lt(staffMembers.leaveDate, today))
  return and(...conditions) as SQL
}

/** Grades sort by seniority (unknown grades first, as the most junior), then as written. */
const seniority = sql`array_position(array[${sql.join(
  GRADES.map((grade) => sql`${grade}`),
  sql`, `,
)}]::text[], ${staffMembers.grade})`

function orderBy(sort: RosterSort, order: 'asc' | 'desc'): SQL[] {
  const direction = order === 'asc' ? asc : desc
  const nulls = order === 'asc' ? sql`nulls first` : sql`nulls last`
  const primary: Record<RosterSort, SQL[]> = {
    name: [direction(staffMembers.name)],
    staffNumber: [direction(staffMembers.staffNumber)],
    grade: [sql`${seniority} ${sql.raw(order)} ${nulls}`, direction(staffMembers.grade)],
    unit: [direction(staffMembers.unit)],
    startDate: [sql`${staffMembers.startDate} ${sql.raw(order)} ${nulls}`],
    leaveDate: [sql`${staffMembers.leaveDate} ${sql.raw(order)} ${nulls}`],
  }
  return [...primary[sort], asc(staffMembers.name), asc(staffMembers.staffNumber)]
}

export async function selectRosterPage(
  tx: Transaction,
  where: SQL,
  sort: RosterSort,
  order: 'asc' | 'desc',
  page?: { offset: number; limit: number },
): Promise<ListTotal & { rows: StaffMemberRow[] }> {
  const query = tx
    .select()
    .from(staffMembers)
    .where(where)
    .orderBy(...orderBy(sort, order))
  if (!page) {
    const rows = await query
    return { total: rows.length, exact: true, rows }
  }
  const counted = await countAhead(
    tx,
    tx.select({ id: staffMembers.id }).from(staffMembers).where(where),
    page.offset,
  )
  return { ...counted, rows: await query.offset(page.offset).limit(page.limit) }
}

/** The units and grades a force's roster uses, for the filters' lists. */
export async function selectChoices(tx: Transaction, forceId: number) {
  const units = await tx
    .selectDistinct({ value: staffMembers.unit })
    .from(staffMembers)
    .where(eq(staffMembers.forceId, forceId))
    .orderBy(asc(staffMembers.unit))
  const grades = await tx
    .selectDistinct({ value: staffMembers.grade, rank: seniority })
    .from(staffMembers)
    .where(eq(staffMembers.forceId, forceId))
    .orderBy(sql`2 nulls first`, asc(staffMembers.grade))
  return { units: units.map((row) => row.value), grades: grades.map((row) => row.value) }
}

export async function selectMember(tx: Transaction, id: string): Promise<StaffMemberRow | undefined> {
  const [row] = await tx.select().from(staffMembers).where(eq(staffMembers.id, id))
  return row
}

export async function selectMembers(tx: Transaction, ids: string[]): Promise<StaffMemberRow[]> {
  if (!ids.length) return []
  return tx.select().from(staffMembers).where(inArray(staffMembers.id, ids))
}

export async function selectByStaffNumbers(
  tx: Transaction,
  forceId: number,
  staffNumbers?: string[],
): Promise<StaffMemberRow[]> {
  if (staffNumbers && !staffNumbers.length) return []
  return tx
    .select()
    .from(staffMembers)
    .where(
      and(
        eq(staffMembers.forceId, forceId),
        staffNumbers ? inArray(staffMembers.staffNumber, staffNumbers) : undefined,
      ),
    )
}

export async function searchServing(
  tx: Transaction,
  forceId: number,
  text: string,
  today: string,
  limit: number,
): Promise<StaffMemberRow[]> {
  return tx
    .select()
    .from(staffMembers)
    .where(
      and(
        eq(staffMembers.forceId, forceId),
        isServing(today),
        matchesSearch(staffMembers, text, { unit: false }),
      ),
    )
    .orderBy(asc(staffMembers.name), asc(staffMembers.staffNumber))
    .limit(limit)
}

/**
 * Adds new members and updates existing ones by staff number, a batch per statement. Returns the rows
 * as written, so the caller can audit each change.
 */
export async function upsertMembers(
  tx: Transaction,
  forceId: number,
  rows: RosterRow[],
  now: Date,
): Promise<StaffMemberRow[]> {
  if (!rows.length) return []
  return tx
    .insert(staffMembers)
    .values(rows.map((row) => ({ ...row, forceId, createdAt: now, updatedAt: now })))
    .onConflictDoUpdate({
      target: [staffMembers.forceId, staffMembers.staffNumber],
      set: {
        name: sql`excluded.name`,
        grade: sql`excluded.grade`,
        unit: sql`excluded.unit`,
        startDate: sql`excluded.start_date`,
        leaveDate: sql`excluded.leave_date`,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning()
}

/**
 * A register's records (of one force, when given) whose member of staff's unit contains `text`, in any
 * case. Each record keeps a copy of its member's unit, the last line of its searched text (migration
 * 0064), so the register's own trigram index finds the candidates: the records with the text anywhere,
 * a few more than the filter. The roster's unit, read for each candidate's member, decides. Finding the
 * unit's members through the roster's index instead and then each one's records took twice as long
 * (the Met's 3,695 members of Custody for its 1,269 second jobs; bench/README.md, 5 December, afternoon);
 * matched row by row alone, the inspectorate's second jobs filtered by unit took a second.
 */
export function recordsInUnit(
  tx: Transaction,
  register: SearchedTable & { staffMemberId: PgColumn },
  forceId: number | undefined,
  text: string,
): SQL {
  const members = staffIdsWhere(tx, forceId, ilike(staffMembers.unit, contains(text)))
  return and(narrowedBySearch(register, text), inArray(register.staffMemberId, members)) as SQL
}

/**
 * The ids of the members of staff (of one force, when given) whose columns match `condition`, for a
 * register's filters on the roster's columns as a semi-join (`staff_member_id in (…)`): the roster is
 * searched once and its matches hashed, where a filter on a joined roster probed it once per record
 * (the inspectorate's search of 350,000 gifts took 2.4 times as long). Row-level security applies.
 */
export function staffIdsWhere(tx: Transaction, forceId: number | undefined, condition: SQL | undefined) {
  return tx
    .select({ id: staffMembers.id })
    .from(staffMembers)
    .where(and(forceId === undefined ? undefined : eq(staffMembers.forceId, forceId), condition))
}

/** The audit's entity type for a member of staff. */
export const STAFF_MEMBER_ENTITY = 'staff-member'
