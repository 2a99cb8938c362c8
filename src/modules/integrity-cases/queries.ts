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
  like,
  lt,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm'
import { countAhead, type ListTotal } from '../../db/counting.js'
import { contains } from '../../db/search-text.js'
import type { Transaction } from '../../db/tenancy.js'
import type { CaseLinkType, CaseSource, CaseStatus, CaseType } from '../../domain/cases.js'
import { users } from '../identity/schema.js'
import { staffMembers } from '../roster/schema.js'
import {
  integrityCaseAccess,
  integrityCaseHeaders,
  integrityCaseLinks,
  integrityCaseNotes,
  integrityCaseSubjects,
  integrityCases,
} from './schema.js'

/**
 * The cases' SQL. Every list reads the header view (every case in the tenant, confidential or not)
 * joined to the case table, which row-level security limits to the cases the acting user may read: a
 * header without its case is a confidential case the user is not named on. Names of staff and of
 * caseworkers are read with the records (read-only, in the same scope), as the registers do.
 */

export type CaseRow = typeof integrityCases.$inferSelect
export type CaseHeader = typeof integrityCaseHeaders.$inferSelect

export interface CaseListRow extends CaseHeader {
  /** False for a confidential case the caller is not named on: only the header may be shown. */
  readable: boolean
  source: CaseSource | null
  targetDate: string | null
  summary: string | null
  assignedTo: string | null
  assignedName: string | null
}

export interface CaseFilter {
  forceId?: number
  type?: CaseType
  status?: CaseStatus
  source?: CaseSource
  assignedTo?: string
  /** Cases where this member of staff is a subject (their integrity picture). */
  subjectId?: string
  /** Not closed, with a target date before this day. */
  overdueOn?: string
  /** Opened on these days, both ends included. */
  from?: string
  to?: string
  search?: string
}

export const CASE_SORTS = {
  opened: integrityCaseHeaders.openedOn,
  reference: integrityCaseHeaders.reference,
  type: integrityCaseHeaders.type,
  status: integrityCaseHeaders.status,
  target: integrityCases.targetDate,
} as const
export type CaseSort = keyof typeof CASE_SORTS

function whereOf(filter: CaseFilter): SQL | undefined {
  const conditions: SQL[] = []
  if (filter.forceId !== undefined) conditions.push(eq(integrityCaseHeaders.forceId, filter.forceId))
  if (filter.type) conditions.push(eq(integrityCaseHeaders.type, filter.type))
  if (filter.status) conditions.push(eq(integrityCaseHeaders.status, filter.status))
  if (filter.source) conditions.push(eq(integrityCases.source, filter.source))
  if (filter.assignedTo) conditions.push(eq(integrityCases.assignedTo, filter.assignedTo))
  if (filter.subjectId)
    conditions.push(
      sql`exists (select 1 from ${integrityCaseSubjects} s
                  where s.case_id = ${integrityCaseHeaders.id} and s.staff_member_id = ${filter.subjectId})`,
    )
  if (filter.overdueOn) {
    conditions.push(lt(integrityCases.targetDate, filter.overdueOn))
    conditions.push(ne(integrityCaseHeaders.status, 'closed'))
  }
  if (filter.from) conditions.push(gte(integrityCaseHeaders.openedOn, filter.from))
  if (filter.to) conditions.push(lte(integrityCaseHeaders.openedOn, filter.to))
  if (filter.search) {
    const pattern = contains(filter.search)
    const matches = or(
      ilike(integrityCaseHeaders.reference, pattern),
      ilike(integrityCases.summary, pattern),
      sql`exists (select 1 from ${integrityCaseSubjects} s join ${staffMembers} m
                  on m.force_id = s.force_id and m.id = s.staff_member_id
                  where s.case_id = ${integrityCases.id}
                    and (m.name ilike ${pattern} or m.staff_number ilike ${pattern}))`,
    )
    if (matches) conditions.push(matches)
  }
  return conditions.length ? and(...conditions) : undefined
}

const listColumns = {
  id: integrityCaseHeaders.id,
  forceId: integrityCaseHeaders.forceId,
  reference: integrityCaseHeaders.reference,
  type: integrityCaseHeaders.type,
  status: integrityCaseHeaders.status,
  outcome: integrityCaseHeaders.outcome,
  openedOn: integrityCaseHeaders.openedOn,
  closedOn: integrityCaseHeaders.closedOn,
  confidential: integrityCaseHeaders.confidential,
  createdAt: integrityCaseHeaders.createdAt,
  readableId: integrityCases.id,
  source: integrityCases.source,
  targetDate: integrityCases.targetDate,
  summary: integrityCases.summary,
  assignedTo: integrityCases.assignedTo,
  assignedName: users.name,
}

type RawListRow = { [K in keyof typeof listColumns]: unknown }

/** Only the header of a case: what someone not named on a confidential case may see. */
export function headerOnly(row: CaseListRow): CaseListRow {
  return {
    ...row,
    readable: false,
    outcome: null,
    closedOn: null,
    source: null,
    targetDate: null,
    summary: null,
    assignedTo: null,
    assignedName: null,
  }
}

function toListRow(raw: RawListRow): CaseListRow {
  const { readableId, ...row } = raw as unknown as CaseListRow & { readableId: string | null }
  const readable = readableId !== null
  // Whatever the join gave, nothing but the header leaves here for a case the caller may not read.
  return readable ? { ...row, readable } : headerOnly({ ...row, readable })
}

function listQuery(tx: Transaction, where: SQL | undefined) {
  return tx
    .select(listColumns)
    .from(integrityCaseHeaders)
    .leftJoin(integrityCases, eq(integrityCases.id, integrityCaseHeaders.id))
    .leftJoin(users, eq(users.id, integrityCases.assignedTo))
    .where(where)
}

export async function selectCases(
  tx: Transaction,
  filter: CaseFilter,
  order: { sort: CaseSort; order: 'asc' | 'desc' },
  page?: { offset: number; limit: number },
): Promise<ListTotal & { rows: CaseListRow[] }> {
  const where = whereOf(filter)
  const direction = order.order === 'asc' ? asc : desc
  const query = listQuery(tx, where).orderBy(
    direction(CASE_SORTS[order.sort]),
    desc(integrityCaseHeaders.reference),
    asc(integrityCaseHeaders.id),
  )
  if (!page) {
    const rows = (await query).map(toListRow)
    return { total: rows.length, exact: true, rows }
  }
  const counted = await countAhead(
    tx,
    tx
      .select({ id: integrityCaseHeaders.id })
      .from(integrityCaseHeaders)
      .leftJoin(integrityCases, eq(integrityCases.id, integrityCaseHeaders.id))
      .where(where),
    page.offset,
  )
  const rows = (await query.offset(page.offset).limit(page.limit)).map(toListRow)
  return { ...counted, rows }
}

export async function selectCaseListRow(tx: Transaction, id: string): Promise<CaseListRow | undefined> {
  const [row] = await listQuery(tx, eq(integrityCaseHeaders.id, id))
  return row && toListRow(row)
}

/** The full case, when row-level security lets the caller read it. */
export async function selectCase(tx: Transaction, id: string): Promise<CaseRow | undefined> {
  const [row] = await tx.select().from(integrityCases).where(eq(integrityCases.id, id))
  return row
}

export async function selectHeader(tx: Transaction, id: string): Promise<CaseHeader | undefined> {
  const [row] = await tx.select().from(integrityCaseHeaders).where(eq(integrityCaseHeaders.id, id))
  return row
}

/** A force's case by its reference (IC/2012/0007), confidential or not. */
export async function selectHeaderByReference(
  tx: Transaction,
  forceId: number,
  reference: string,
): Promise<CaseHeader | undefined> {
  const [row] = await tx
    .select()
    .from(integrityCaseHeaders)
    .where(and(eq(integrityCaseHeaders.forceId, forceId), eq(integrityCaseHeaders.reference, reference)))
  return row
}

/** The last reference used in a force for a year's prefix, e.g. IC/2012/0014. */
export async function selectLastReference(
  tx: Transaction,
  forceId: number,
  prefix: string,
): Promise<string | undefined> {
  const [row] = await tx
    .select({ reference: integrityCaseHeaders.reference })
    .from(integrityCaseHeaders)
    .where(and(eq(integrityCaseHeaders.forceId, forceId), like(integrityCaseHeaders.reference, `${prefix}%`)))
    .orderBy(desc(integrityCaseHeaders.reference))
    .limit(1)
  return row?.reference
}

export async function selectSubjects(tx: Transaction, caseId: string) {
  return tx
    .select({
      staffMemberId: staffMembers.id,
      staffNumber: staffMembers.staffNumber,
      name: staffMembers.name,
      grade: staffMembers.grade,
      unit: staffMembers.unit,
      addedAt: integrityCaseSubjects.addedAt,
    })
    .from(integrityCaseSubjects)
    .innerJoin(
      staffMembers,
      and(
        eq(staffMembers.forceId, integrityCaseSubjects.forceId),
        eq(staffMembers.id, integrityCaseSubjects.staffMemberId),
      ),
    )
    .where(eq(integrityCaseSubjects.caseId, caseId))
    .orderBy(asc(staffMembers.name))
}

export async function selectLinks(tx: Transaction, caseId: string) {
  return tx
    .select({
      entityType: integrityCaseLinks.entityType,
      entityId: integrityCaseLinks.entityId,
      addedAt: integrityCaseLinks.addedAt,
    })
    .from(integrityCaseLinks)
    .where(eq(integrityCaseLinks.caseId, caseId))
    .orderBy(asc(integrityCaseLinks.addedAt))
}

export async function selectNotes(tx: Transaction, caseId: string) {
  return tx
    .select()
    .from(integrityCaseNotes)
    .where(eq(integrityCaseNotes.caseId, caseId))
    .orderBy(asc(integrityCaseNotes.createdAt))
}

export async function selectNamed(tx: Transaction, caseId: string) {
  return tx
    .select({ userId: users.id, name: users.name, role: users.role })
    .from(integrityCaseAccess)
    .innerJoin(users, eq(users.id, integrityCaseAccess.userId))
    .where(eq(integrityCaseAccess.caseId, caseId))
    .orderBy(asc(users.name))
}

/** The force's active caseworkers and administrators: who may be assigned to or named on a case. */
export async function selectCaseworkers(tx: Transaction, forceId: number) {
  return tx
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(
      and(
        eq(users.forceId, forceId),
        inArray(users.role, ['force-caseworker', 'force-admin']),
        isNull(users.disabledAt),
      ),
    )
    .orderBy(asc(users.name))
}

/** Every header that counts for a period: opened in it, or closed in it. */
export async function selectCaseFacts(
  tx: Transaction,
  forceIds: readonly number[],
  period: { from: string; to: string },
) {
  return tx
    .select({
      forceId: integrityCaseHeaders.forceId,
      type: integrityCaseHeaders.type,
      openedOn: integrityCaseHeaders.openedOn,
      closedOn: integrityCaseHeaders.closedOn,
      outcome: integrityCaseHeaders.outcome,
    })
    .from(integrityCaseHeaders)
    .where(
      and(
        inArray(integrityCaseHeaders.forceId, [...forceIds]),
        or(
          and(gte(integrityCaseHeaders.openedOn, period.from), lte(integrityCaseHeaders.openedOn, period.to)),
          and(gte(integrityCaseHeaders.closedOn, period.from), lte(integrityCaseHeaders.closedOn, period.to)),
        ),
      ),
    )
}

/** Of these cases, those the user is named on. */
export async function selectNamedCaseIds(
  tx: Transaction,
  userId: string,
  caseIds: string[],
): Promise<Set<string>> {
  if (!caseIds.length) return new Set()
  const rows = await tx
    .select({ caseId: integrityCaseAccess.caseId })
    .from(integrityCaseAccess)
    .where(and(eq(integrityCaseAccess.userId, userId), inArray(integrityCaseAccess.caseId, caseIds)))
  return new Set(rows.map((row) => row.caseId))
}

/**
 * The dashboard's figures for one force's cases not yet closed, by type and status, in one aggregate
 * over the header view (every case, confidential or not). The target date comes from the case itself,
 * which row-level security hides for a confidential case the user is not named on: such a case counts
 * as open and as confidential, never as past its target, as the overdue list shows it.
 */
export async function selectOpenCaseCounts(tx: Transaction, forceId: number, today: string) {
  return tx
    .select({
      type: integrityCaseHeaders.type,
      status: integrityCaseHeaders.status,
      cases: count(),
      pastTarget: sql<number>`count(*) filter (where ${integrityCases.targetDate} < ${today})`.mapWith(
        Number,
      ),
      confidential: sql<number>`count(*) filter (where ${integrityCaseHeaders.confidential})`.mapWith(Number),
    })
    .from(integrityCaseHeaders)
    .leftJoin(integrityCases, eq(integrityCases.id, integrityCaseHeaders.id))
    .where(
      and(
        eq(integrityCaseHeaders.forceId, forceId),
        inArray(integrityCaseHeaders.status, ['open', 'continuing']),
      ),
    )
    .groupBy(integrityCaseHeaders.type, integrityCaseHeaders.status)
}

/**
 * Opens a case: the case, the caseworkers named on it (a confidential one) and the member of staff it
 * is about, if any, each added when the case was created.
 */
export async function insertCase(
  tx: Transaction,
  row: CaseRow,
  named: string[],
  staffMemberId: string | undefined,
): Promise<void> {
  const { id: caseId, forceId, createdAt: addedAt } = row
  // No RETURNING: a confidential case is not readable until someone is named on it.
  await tx.insert(integrityCases).values(row)
  if (named.length)
    await tx.insert(integrityCaseAccess).values(named.map((userId) => ({ caseId, forceId, userId, addedAt })))
  if (staffMemberId)
    await tx.insert(integrityCaseSubjects).values({ caseId, forceId, staffMemberId, addedAt })
}

export async function updateCase(tx: Transaction, caseId: string, values: Partial<CaseRow>): Promise<void> {
  await tx.update(integrityCases).set(values).where(eq(integrityCases.id, caseId))
}

/** Records when a case last changed; the case as it now is, if the caller may still read it. */
export async function touchCase(tx: Transaction, caseId: string, at: Date): Promise<CaseRow | undefined> {
  const [updated] = await tx
    .update(integrityCases)
    .set({ updatedAt: at })
    .where(eq(integrityCases.id, caseId))
    .returning()
  return updated
}

type CaseChild = { caseId: string; forceId: number; addedAt: Date }

export async function insertSubject(tx: Transaction, subject: CaseChild & { staffMemberId: string }) {
  await tx.insert(integrityCaseSubjects).values(subject).onConflictDoNothing()
}

export async function deleteSubject(tx: Transaction, caseId: string, staffMemberId: string) {
  await tx
    .delete(integrityCaseSubjects)
    .where(
      and(eq(integrityCaseSubjects.caseId, caseId), eq(integrityCaseSubjects.staffMemberId, staffMemberId)),
    )
}

export async function insertLink(
  tx: Transaction,
  link: CaseChild & { entityType: CaseLinkType; entityId: string },
) {
  await tx.insert(integrityCaseLinks).values(link).onConflictDoNothing()
}

/** Names a caseworker on a case (who may read it when it is confidential), if not named already. */
export async function insertNamed(tx: Transaction, named: CaseChild & { userId: string }) {
  await tx.insert(integrityCaseAccess).values(named).onConflictDoNothing()
}

export async function deleteNamed(tx: Transaction, caseId: string, userId: string) {
  await tx
    .delete(integrityCaseAccess)
    .where(and(eq(integrityCaseAccess.caseId, caseId), eq(integrityCaseAccess.userId, userId)))
}

export async function insertNote(tx: Transaction, note: typeof integrityCaseNotes.$inferInsert) {
  await tx.insert(integrityCaseNotes).values(note)
}
