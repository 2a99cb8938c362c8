import { and, asc, count, desc, eq, getTableColumns, gte, ilike, inArray, lte, type SQL } from 'drizzle-orm'
import { countWithPageIds, type ListTotal } from '../../db/counting.js'
import {
  columnFrom,
  columnIn,
  columnTo,
  contains,
  type ListWhere,
  listWhere,
  searchCondition,
} from '../../db/search-text.js'
import type { Transaction } from '../../db/tenancy.js'
import { recordsInUnit } from '../roster/queries.js'
import { staffMembers, staffNameCopy } from '../roster/schema.js'
import { mediaContacts } from './schema.js'

/**
 * The register's SQL. Lists read the member of staff's name, grade, unit and number with the record
 * (read-only, in the same row-level-security scope): paging, sorting and filtering by them has to
 * happen in the database, which a call to the roster service per row cannot do.
 */

export type MediaContactRow = typeof mediaContacts.$inferSelect
export type MediaContactWithStaff = MediaContactRow & {
  staffNumber: string
  staffName: string
  grade: string
  unit: string
}

export interface MediaContactFilter {
  forceId?: number
  staffMemberId?: string
  outlet?: string
  journalist?: string
  unit?: string
  /** ISO days, both ends included. */
  from?: string
  to?: string
  search?: string
}

export const MEDIA_SORTS = {
  date: mediaContacts.contactOn,
  journalist: mediaContacts.journalist,
  outlet: mediaContacts.outlet,
  staff: staffNameCopy(mediaContacts),
  unit: staffMembers.unit,
  method: mediaContacts.method,
} as const
export type MediaSort = keyof typeof MEDIA_SORTS

/**
 * The filter as a WHERE clause. For a paged list, whose count and page read the search's matches,
 * `searchOnce` has the search found once for both (`countWithPageIds`).
 */
function whereOf(tx: Transaction, filter: MediaContactFilter, searchOnce = false): ListWhere {
  const m = mediaContacts
  const conditions = [
    filter.staffMemberId ? columnIn(m.staffMemberId, [filter.staffMemberId]) : undefined,
    filter.outlet ? ilike(m.outlet, contains(filter.outlet)) : undefined,
    filter.journalist ? ilike(m.journalist, contains(filter.journalist)) : undefined,
    filter.unit ? recordsInUnit(tx, m, filter.forceId, filter.unit) : undefined,
    filter.from ? columnFrom(m.contactOn, filter.from) : undefined,
    filter.to ? columnTo(m.contactOn, filter.to) : undefined,
  ]
  // The purpose, what was discussed, the journalist and outlet, and the member of staff's name and number.
  const search = filter.search
    ? searchCondition(mediaContacts, filter.search, { unit: false }, searchOnce)
    : undefined
  const force = filter.forceId === undefined ? undefined : eq(mediaContacts.forceId, filter.forceId)
  return listWhere(force, conditions, search)
}

const withStaff = {
  ...getTableColumns(mediaContacts),
  staffNumber: staffMembers.staffNumber,
  staffName: staffMembers.name,
  grade: staffMembers.grade,
  unit: staffMembers.unit,
}

const staffJoin = and(
  eq(staffMembers.forceId, mediaContacts.forceId),
  eq(staffMembers.id, mediaContacts.staffMemberId),
)

export async function selectMediaContacts(
  tx: Transaction,
  filter: MediaContactFilter,
  order: { sort: MediaSort; order: 'asc' | 'desc' },
  page?: { offset: number; limit: number },
): Promise<ListTotal & { rows: MediaContactWithStaff[] }> {
  const clause = whereOf(tx, filter, page !== undefined)
  const { where } = clause
  const direction = order.order === 'asc' ? asc : desc
  const ordering = [direction(MEDIA_SORTS[order.sort]), desc(mediaContacts.createdAt), asc(mediaContacts.id)]
  const withTheirStaff = () => tx.select(withStaff).from(mediaContacts).innerJoin(staffMembers, staffJoin)
  if (!page) {
    const rows = await withTheirStaff()
      .where(where)
      .orderBy(...ordering)
    return { total: rows.length, exact: true, rows }
  }
  const contacts = () => tx.select({ id: mediaContacts.id }).from(mediaContacts)
  // The page's ids first, joining the roster only to sort by unit (the order by person reads the
  // contact's copy of the name), then only those rows with their member of staff: joining before the
  // offset read and joined every skipped row.
  const statements = (where?: SQL) => ({
    rows: contacts().where(where),
    pageIds: (order.sort === 'unit' ? contacts().innerJoin(staffMembers, staffJoin) : contacts())
      .where(where)
      .orderBy(...ordering)
      .offset(page.offset)
      .limit(page.limit),
  })
  // Indexes read a force's contacts by date, by person and by unit (the roster's, joined).
  const readInOrder =
    filter.forceId !== undefined && (order.sort === 'date' || order.sort === 'staff' || order.sort === 'unit')
  const { ids, ...counted } = await countWithPageIds(tx, statements, clause, page, readInOrder)
  const rows = ids.length
    ? await withTheirStaff()
        .where(inArray(mediaContacts.id, ids))
        .orderBy(...ordering)
    : []
  return { ...counted, rows }
}

export async function selectMediaContact(
  tx: Transaction,
  id: string,
): Promise<MediaContactWithStaff | undefined> {
  const [row] = await tx
    .select(withStaff)
    .from(mediaContacts)
    .innerJoin(staffMembers, staffJoin)
    .where(eq(mediaContacts.id, id))
  return row
}

/** What identifies a historic record already in the register, so a re-import leaves it unchanged. */
export function sameContactKey(row: {
  staffMemberId: string
  contactOn: string
  journalist: string
  outlet: string
  purpose: string
}): string {
  return JSON.stringify([
    row.staffMemberId,
    row.contactOn,
    row.journalist.toLowerCase(),
    row.outlet.toLowerCase(),
    row.purpose.toLowerCase(),
  ])
}

export async function selectContactKeys(
  tx: Transaction,
  forceId: number,
  range: { from: string; to: string },
): Promise<Set<string>> {
  const rows = await tx
    .select({
      staffMemberId: mediaContacts.staffMemberId,
      contactOn: mediaContacts.contactOn,
      journalist: mediaContacts.journalist,
      outlet: mediaContacts.outlet,
      purpose: mediaContacts.purpose,
    })
    .from(mediaContacts)
    .where(
      and(
        eq(mediaContacts.forceId, forceId),
        gte(mediaContacts.contactOn, range.from),
        lte(mediaContacts.contactOn, range.to),
      ),
    )
  return new Set(rows.map(sameContactKey))
}

/** How many contacts one force logged between two days, both included: one aggregate on (force_id, contact_on). */
export async function selectContactCount(tx: Transaction, forceId: number, from: string, to: string) {
  const [row] = await tx
    .select({ contacts: count() })
    .from(mediaContacts)
    .where(
      and(
        eq(mediaContacts.forceId, forceId),
        gte(mediaContacts.contactOn, from),
        lte(mediaContacts.contactOn, to),
      ),
    )
  return { contacts: row?.contacts ?? 0 }
}
