import { and, asc, desc, eq, gte, inArray, isNotNull, lte, or, type SQL, sql } from 'drizzle-orm'
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
import { recordsInUnit } from '../roster/queries.js'
import { staffMembers, staffNameCopy } from '../roster/schema.js'
import type { BusinessInterestCategory, BusinessInterestStatus } from './rules.js'
import { businessInterestReviews, businessInterests } from './schema.js'

export type BusinessInterestRow = typeof businessInterests.$inferSelect
export type ReviewRow = typeof businessInterestReviews.$inferSelect

/** The roster facts shown beside an application: read-only, under the same row-level security. */
export interface StaffFacts {
  id: string
  staffNumber: string
  name: string
  grade: string
  unit: string
}

export interface BusinessInterestWithStaff {
  row: BusinessInterestRow
  staff: StaffFacts
}

export interface ListFilter {
  forceId?: number
  staffMemberId?: string
  status?: BusinessInterestStatus
  category?: BusinessInterestCategory
  unit?: string
  submittedFrom?: string
  submittedTo?: string
  search?: string
}

export const SORTS = ['submitted', 'name', 'category', 'status', 'review'] as const
export type Sort = (typeof SORTS)[number]

const staffColumns = {
  id: staffMembers.id,
  staffNumber: staffMembers.staffNumber,
  name: staffMembers.name,
  grade: staffMembers.grade,
  unit: staffMembers.unit,
}

/**
 * The filter as a WHERE clause. For a paged list, whose count and page read the search's matches,
 * `searchOnce` has the search found once for both (`countWithPageIds`).
 */
function conditionsOf(tx: Transaction, filter: ListFilter, searchOnce = false): ListWhere {
  const b = businessInterests
  const conditions = [
    filter.staffMemberId ? columnIn(b.staffMemberId, [filter.staffMemberId]) : undefined,
    filter.status ? columnIn(b.status, [filter.status]) : undefined,
    filter.category ? columnIn(b.category, [filter.category]) : undefined,
    filter.unit ? recordsInUnit(tx, b, filter.forceId, filter.unit) : undefined,
    filter.submittedFrom ? columnFrom(b.submittedOn, filter.submittedFrom) : undefined,
    filter.submittedTo ? columnTo(b.submittedOn, filter.submittedTo) : undefined,
  ]
  // The member of staff's name and number, and the nature of the interest and its employer.
  const search = filter.search
    ? searchCondition(businessInterests, filter.search, { unit: false }, searchOnce)
    : undefined
  const force = filter.forceId === undefined ? undefined : eq(businessInterests.forceId, filter.forceId)
  return listWhere(force, conditions, search)
}

function orderOf(sort: Sort, order: 'asc' | 'desc') {
  const direction = order === 'asc' ? asc : desc
  const column = {
    submitted: businessInterests.submittedOn,
    name: staffNameCopy(businessInterests),
    category: businessInterests.category,
    status: businessInterests.status,
    review: businessInterests.reviewDate,
  }[sort]
  return [direction(column), direction(businessInterests.createdAt), asc(businessInterests.id)]
}

const staffJoin = and(
  eq(staffMembers.forceId, businessInterests.forceId),
  eq(staffMembers.id, businessInterests.staffMemberId),
)

function joined(tx: Transaction) {
  return tx
    .select({ row: businessInterests, staff: staffColumns })
    .from(businessInterests)
    .innerJoin(staffMembers, staffJoin)
}

export async function selectPage(
  tx: Transaction,
  filter: ListFilter,
  sort: Sort,
  order: 'asc' | 'desc',
  page: { offset: number; limit: number } | undefined,
): Promise<ListTotal & { items: BusinessInterestWithStaff[] }> {
  const clause = conditionsOf(tx, filter, page !== undefined)
  const { where } = clause
  const ordering = orderOf(sort, order)
  if (!page) {
    const items = await joined(tx)
      .where(where)
      .orderBy(...ordering)
    return { total: items.length, exact: true, items }
  }
  const applications = () => tx.select({ id: businessInterests.id }).from(businessInterests)
  // The page's ids first, from the register alone (the order by name reads the application's copy of
  // it), then only those rows with their member of staff: joining before the offset read and joined
  // every skipped row.
  const statements = (where?: SQL) => ({
    rows: applications().where(where),
    pageIds: applications()
      .where(where)
      .orderBy(...ordering)
      .offset(page.offset)
      .limit(page.limit),
  })
  // Indexes read every order but by status, for a force and for every force: many records share a status.
  const { ids, ...counted } = await countWithPageIds(tx, statements, clause, page, sort !== 'status')
  const items = ids.length
    ? await joined(tx)
        .where(inArray(businessInterests.id, ids))
        .orderBy(...ordering)
    : []
  return { ...counted, items }
}

export async function selectOne(tx: Transaction, id: string): Promise<BusinessInterestWithStaff | undefined> {
  const [found] = await joined(tx).where(eq(businessInterests.id, id))
  return found
}

/** Approved interests whose review or expiry falls on or before `by`. */
export async function selectReviewsDue(
  tx: Transaction,
  forceId: number | undefined,
  by: string,
): Promise<BusinessInterestWithStaff[]> {
  return joined(tx)
    .where(
      and(
        forceId === undefined ? undefined : eq(businessInterests.forceId, forceId),
        inArray(businessInterests.status, ['approved', 'approved with conditions']),
        or(lte(businessInterests.reviewDate, by), lte(businessInterests.expiryDate, by)),
      ),
    )
    .orderBy(asc(sql`least(${businessInterests.reviewDate}, ${businessInterests.expiryDate})`))
}

/** What the published register shows: approved, current (not expired) interests of one force. */
export async function selectPublishable(
  tx: Transaction,
  forceId: number,
  today: string,
): Promise<BusinessInterestWithStaff[]> {
  return joined(tx)
    .where(
      and(
        eq(businessInterests.forceId, forceId),
        inArray(businessInterests.status, ['approved', 'approved with conditions']),
        isNotNull(businessInterests.decidedOn),
        or(sql`${businessInterests.expiryDate} is null`, gte(businessInterests.expiryDate, today)),
      ),
    )
    .orderBy(asc(businessInterests.category), desc(businessInterests.decidedOn), asc(businessInterests.id))
}

/** Every staff member of a force, by number: for imports, one query instead of one per row. */
export async function selectStaffByNumber(
  tx: Transaction,
  forceId: number,
): Promise<Map<string, StaffFacts>> {
  const rows = await tx.select(staffColumns).from(staffMembers).where(eq(staffMembers.forceId, forceId))
  return new Map(rows.map((row) => [row.staffNumber.toLowerCase(), row]))
}

/** The applications of one force submitted between two days, both included. */
export async function selectSubmittedBetween(
  tx: Transaction,
  forceIds: readonly number[],
  from: string,
  to: string,
) {
  return tx
    .select({
      forceId: businessInterests.forceId,
      category: businessInterests.category,
      status: businessInterests.status,
      decidedOn: businessInterests.decidedOn,
      conditions: businessInterests.conditions,
    })
    .from(businessInterests)
    .where(
      and(
        inArray(businessInterests.forceId, [...forceIds]),
        gte(businessInterests.submittedOn, from),
        lte(businessInterests.submittedOn, to),
      ),
    )
}

export async function selectForStaff(tx: Transaction, forceId: number): Promise<BusinessInterestRow[]> {
  return tx.select().from(businessInterests).where(eq(businessInterests.forceId, forceId))
}

/**
 * The force dashboard's figures as at `today`, in one aggregate over the force's live applications
 * (withdrawn and expired ones are never counted, so the index on (force_id, status) skips them).
 */
export async function selectDashboardCounts(tx: Transaction, forceId: number, today: string, dueBy: string) {
  const bi = businessInterests
  const current = sql`${bi.status} in ('approved', 'approved with conditions')`
  const [row] = await tx
    .select({
      currentApproved:
        sql<number>`count(*) filter (where ${bi.status} = 'approved' and (${bi.expiryDate} is null or ${bi.expiryDate} >= ${today}))`.mapWith(
          Number,
        ),
      currentApprovedWithConditions:
        sql<number>`count(*) filter (where ${bi.status} = 'approved with conditions' and (${bi.expiryDate} is null or ${bi.expiryDate} >= ${today}))`.mapWith(
          Number,
        ),
      awaitingDecision: sql<number>`count(*) filter (where ${bi.status} = 'submitted')`.mapWith(Number),
      reviewsDue:
        sql<number>`count(*) filter (where ${current} and (${bi.reviewDate} <= ${dueBy} or ${bi.expiryDate} <= ${dueBy}))`.mapWith(
          Number,
        ),
      appealsOpen: sql<number>`count(*) filter (where ${bi.appealStatus} = 'lodged')`.mapWith(Number),
    })
    .from(bi)
    .where(
      and(
        eq(bi.forceId, forceId),
        inArray(bi.status, ['submitted', 'approved', 'approved with conditions', 'refused']),
      ),
    )
  return (
    row ?? {
      currentApproved: 0,
      currentApprovedWithConditions: 0,
      awaitingDecision: 0,
      reviewsDue: 0,
      appealsOpen: 0,
    }
  )
}

/** An interest's reviews, oldest first. */
export async function selectReviews(tx: Transaction, businessInterestId: string): Promise<ReviewRow[]> {
  return tx
    .select()
    .from(businessInterestReviews)
    .where(eq(businessInterestReviews.businessInterestId, businessInterestId))
    .orderBy(asc(businessInterestReviews.reviewedOn), asc(businessInterestReviews.createdAt))
}

export async function insertReview(
  tx: Transaction,
  values: typeof businessInterestReviews.$inferInsert,
): Promise<ReviewRow> {
  return written(await tx.insert(businessInterestReviews).values(values).returning())
}

export async function insertApplication(
  tx: Transaction,
  values: typeof businessInterests.$inferInsert,
): Promise<BusinessInterestRow> {
  return written(await tx.insert(businessInterests).values(values).returning())
}

/** The one row an insert returned. */
function written<Row>([row]: Row[]): Row {
  if (!row) throw new Error('insert returned no row')
  return row
}

/** The rows of a confirmed import, in one statement. */
export function insertApplications(tx: Transaction, values: (typeof businessInterests.$inferInsert)[]) {
  return tx.insert(businessInterests).values(values)
}

/** Changes an application, returning it as it now is (none where no row was changed). */
export async function updateApplication(
  tx: Transaction,
  id: string,
  changes: Partial<BusinessInterestRow>,
): Promise<BusinessInterestRow | undefined> {
  const [row] = await tx
    .update(businessInterests)
    .set(changes)
    .where(eq(businessInterests.id, id))
    .returning()
  return row
}
