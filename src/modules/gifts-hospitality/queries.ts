import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lte, type SQL, sql } from 'drizzle-orm'
import { countWithPageIds, type ListTotal } from '../../db/counting.js'
import {
  columnFrom,
  columnIn,
  columnTo,
  type ListWhere,
  listWhere,
  searchCondition,
} from '../../db/search-text.js'
import type { Transaction } from '../../db/tenancy.js'
import { FLAGGED_DONOR_TYPES } from '../../domain/registers.js'
import { staffMembers, staffNameCopy } from '../roster/schema.js'
import { giftsHospitality, giftThresholds } from './schema.js'

/**
 * The register's SQL. Lists read the member of staff's name, grade, unit and number with the record
 * (read-only, in the same row-level-security scope): paging, sorting and searching by them has to
 * happen in the database, which a call to the roster service per row cannot do.
 */

/** The audit's entity type for the register's records. */
export const GIFT_ENTITY = 'gift-hospitality'

export type GiftRow = typeof giftsHospitality.$inferSelect
export type GiftInsert = typeof giftsHospitality.$inferInsert

export interface StaffColumns {
  staffNumber: string
  staffName: string
  grade: string
  unit: string
}

export type GiftWithStaff = GiftRow & StaffColumns

export interface GiftFilter {
  forceId?: number
  staffMemberId?: string
  outcome?: GiftRow['outcome']
  kind?: GiftRow['kind']
  donorType?: GiftRow['donorType']
  flaggedOnly?: boolean
  valueFrom?: number
  valueTo?: number
  /** ISO days, both ends included. */
  offeredFrom?: string
  offeredTo?: string
  search?: string
}

export const GIFT_SORTS = {
  offered: giftsHospitality.offeredOn,
  declared: giftsHospitality.declaredOn,
  value: giftsHospitality.valuePence,
  donor: giftsHospitality.donorName,
  staff: staffNameCopy(giftsHospitality),
  kind: giftsHospitality.kind,
  outcome: giftsHospitality.outcome,
} as const
export type GiftSort = keyof typeof GIFT_SORTS

// The filters' ends in pence, as `value_pence` holds the values: the least whole number of pence at or
// above the lower end, the most at or below the upper (a millionth of a penny for binary fractions' error).
const penceFrom = (pounds: number) => Math.ceil(pounds * 100 - 1e-6)
const penceTo = (pounds: number) => Math.floor(pounds * 100 + 1e-6)

/**
 * The filter as a WHERE clause. For a paged list, whose count and page read the search's matches,
 * `searchOnce` has the search found once for both (`countWithPageIds`).
 */
function whereOf(filter: GiftFilter, searchOnce = false): ListWhere {
  const g = giftsHospitality
  const conditions = [
    filter.staffMemberId ? columnIn(g.staffMemberId, [filter.staffMemberId]) : undefined,
    filter.outcome ? columnIn(g.outcome, [filter.outcome]) : undefined,
    filter.kind ? columnIn(g.kind, [filter.kind]) : undefined,
    filter.donorType ? columnIn(g.donorType, [filter.donorType]) : undefined,
    filter.flaggedOnly ? columnIn(g.donorType, FLAGGED_DONOR_TYPES) : undefined,
    filter.valueFrom !== undefined ? columnFrom(g.valuePence, penceFrom(filter.valueFrom)) : undefined,
    filter.valueTo !== undefined ? columnTo(g.valuePence, penceTo(filter.valueTo)) : undefined,
    filter.offeredFrom ? columnFrom(g.offeredOn, filter.offeredFrom) : undefined,
    filter.offeredTo ? columnTo(g.offeredOn, filter.offeredTo) : undefined,
  ]
  // The description and donor, and the member of staff's name, number and unit.
  const search = filter.search
    ? searchCondition(giftsHospitality, filter.search, { unit: true }, searchOnce)
    : undefined
  const force = filter.forceId === undefined ? undefined : eq(giftsHospitality.forceId, filter.forceId)
  return listWhere(force, conditions, search)
}

const withStaff = {
  ...getTableColumns(giftsHospitality),
  staffNumber: staffMembers.staffNumber,
  staffName: staffMembers.name,
  grade: staffMembers.grade,
  unit: staffMembers.unit,
}

const staffJoin = and(
  eq(staffMembers.forceId, giftsHospitality.forceId),
  eq(staffMembers.id, giftsHospitality.staffMemberId),
)

export async function selectGifts(
  tx: Transaction,
  filter: GiftFilter,
  order: { sort: GiftSort; order: 'asc' | 'desc' },
  page?: { offset: number; limit: number },
): Promise<ListTotal & { rows: GiftWithStaff[] }> {
  const clause = whereOf(filter, page !== undefined)
  const { where } = clause
  const direction = order.order === 'asc' ? asc : desc
  const ordering = [
    direction(GIFT_SORTS[order.sort]),
    desc(giftsHospitality.createdAt),
    asc(giftsHospitality.id),
  ] as const
  const withTheirStaff = () => tx.select(withStaff).from(giftsHospitality).innerJoin(staffMembers, staffJoin)
  if (!page) {
    const rows = await withTheirStaff()
      .where(where)
      .orderBy(...ordering)
    return { total: rows.length, exact: true, rows }
  }
  // The filters read the member of staff's columns only through a semi-join, and the order by person
  // reads the gift's copy of the name, so the page's ids come from the register alone, and then only
  // those rows with their staff: joining before the offset read and joined every skipped row (page 200
  // of the Met's gifts took 500 ms).
  const gifts = () => tx.select({ id: giftsHospitality.id }).from(giftsHospitality)
  const statements = (where?: SQL) => ({
    rows: gifts().where(where),
    pageIds: gifts()
      .where(where)
      .orderBy(...ordering)
      .offset(page.offset)
      .limit(page.limit),
  })
  // A force's gifts have an index for each order; every force's, for the register's own (newest offered first).
  const readInOrder = filter.forceId !== undefined || order.sort === 'offered'
  const { ids, ...counted } = await countWithPageIds(tx, statements, clause, page, readInOrder)
  const rows = ids.length
    ? await withTheirStaff()
        .where(inArray(giftsHospitality.id, ids))
        .orderBy(...ordering)
    : []
  return { ...counted, rows }
}

export async function selectGift(tx: Transaction, id: string): Promise<GiftWithStaff | undefined> {
  const [row] = await tx
    .select(withStaff)
    .from(giftsHospitality)
    .innerJoin(staffMembers, staffJoin)
    .where(eq(giftsHospitality.id, id))
  return row
}

export async function insertGift(tx: Transaction, values: GiftInsert): Promise<GiftRow | undefined> {
  const [created] = await tx.insert(giftsHospitality).values(values).returning()
  return created
}

/** Writes a batch of imported records. */
export async function insertGifts(tx: Transaction, rows: GiftInsert[]): Promise<void> {
  await tx.insert(giftsHospitality).values(rows)
}

export async function updateGift(
  tx: Transaction,
  id: string,
  changes: Partial<GiftInsert>,
): Promise<GiftRow | undefined> {
  const [after] = await tx
    .update(giftsHospitality)
    .set(changes)
    .where(eq(giftsHospitality.id, id))
    .returning()
  return after
}

export async function selectThresholds(tx: Transaction, forceId?: number) {
  return tx
    .select()
    .from(giftThresholds)
    .where(forceId === undefined ? undefined : eq(giftThresholds.forceId, forceId))
}

/** Sets a force's thresholds, whether or not it had set them before. */
export async function upsertThresholds(
  tx: Transaction,
  forceId: number,
  values: Pick<typeof giftThresholds.$inferInsert, 'declareFrom' | 'approvalFrom'>,
  at: Date,
) {
  const [after] = await tx
    .insert(giftThresholds)
    .values({ forceId, ...values, updatedAt: at })
    .onConflictDoUpdate({ target: giftThresholds.forceId, set: { ...values, updatedAt: at } })
    .returning()
  return after
}

/** Holds a force's register for one import at a time, until the transaction ends. */
export async function lockForImport(tx: Transaction, register: string, forceId: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${register}), ${forceId})`)
}

/** What identifies a historic record already in the register, so a re-import leaves it unchanged. */
export function sameRecordKey(row: {
  staffMemberId: string
  kind: string
  offeredOn: string
  donorName: string
  description: string
  estimatedValue: number
}): string {
  return JSON.stringify([
    row.staffMemberId,
    row.kind,
    row.offeredOn,
    row.donorName.toLowerCase(),
    row.description.toLowerCase(),
    Number(row.estimatedValue).toFixed(2),
  ])
}

export async function selectRecordKeys(
  tx: Transaction,
  forceId: number,
  offered: { from: string; to: string },
): Promise<Set<string>> {
  const rows = await tx
    .select({
      staffMemberId: giftsHospitality.staffMemberId,
      kind: giftsHospitality.kind,
      offeredOn: giftsHospitality.offeredOn,
      donorName: giftsHospitality.donorName,
      description: giftsHospitality.description,
      estimatedValue: giftsHospitality.estimatedValue,
    })
    .from(giftsHospitality)
    .where(
      and(
        eq(giftsHospitality.forceId, forceId),
        gte(giftsHospitality.offeredOn, offered.from),
        lte(giftsHospitality.offeredOn, offered.to),
      ),
    )
  return new Set(rows.map(sameRecordKey))
}

/** The figures of a period, in one pass. */
export async function selectCounts(tx: Transaction, forceId: number, from: string, to: string) {
  const flagged = sql.join(
    FLAGGED_DONOR_TYPES.map((type) => sql`${type}`),
    sql`, `,
  )
  const [row] = await tx
    .select({
      offers: count(),
      accepted: sql<number>`count(*) filter (where ${giftsHospitality.outcome} = 'accepted')`.mapWith(Number),
      declined: sql<number>`count(*) filter (where ${giftsHospitality.outcome} = 'declined')`.mapWith(Number),
      flaggedDonors:
        sql<number>`count(*) filter (where ${giftsHospitality.donorType} in (${flagged}))`.mapWith(Number),
      valueAccepted:
        sql<number>`coalesce(sum(${giftsHospitality.estimatedValue}) filter (where ${giftsHospitality.outcome} = 'accepted'), 0)`.mapWith(
          Number,
        ),
    })
    .from(giftsHospitality)
    .where(
      and(
        eq(giftsHospitality.forceId, forceId),
        gte(giftsHospitality.offeredOn, from),
        lte(giftsHospitality.offeredOn, to),
      ),
    )
  return row ?? { offers: 0, accepted: 0, declined: 0, flaggedDonors: 0, valueAccepted: 0 }
}
