import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, max, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import type { StaffMember } from '../roster/service.js'
import { policies, policyAcknowledgementRequests, policyVersions } from './schema.js'

/** The policies' SQL: every statement runs in the caller's scope, which row-level security limits. */

export type PolicyRow = typeof policies.$inferSelect
type VersionRow = typeof policyVersions.$inferSelect
export type RequestRow = typeof policyAcknowledgementRequests.$inferSelect

/** A version without its document's bytes: what lists and pages read. */
export type VersionSummary = Omit<VersionRow, 'document'>

const versionColumns = {
  id: policyVersions.id,
  forceId: policyVersions.forceId,
  policyId: policyVersions.policyId,
  number: policyVersions.number,
  title: policyVersions.title,
  body: policyVersions.body,
  documentName: policyVersions.documentName,
  documentType: policyVersions.documentType,
  documentSize: policyVersions.documentSize,
  effectiveDate: policyVersions.effectiveDate,
  reviewDate: policyVersions.reviewDate,
  owner: policyVersions.owner,
  nationalGuidance: policyVersions.nationalGuidance,
  guidanceName: policyVersions.guidanceName,
  questions: policyVersions.questions,
  status: policyVersions.status,
  audience: policyVersions.audience,
  deadline: policyVersions.deadline,
  restricted: policyVersions.restricted,
  publishedOn: policyVersions.publishedOn,
  publishedAt: policyVersions.publishedAt,
  publishedBy: policyVersions.publishedBy,
  createdAt: policyVersions.createdAt,
  updatedAt: policyVersions.updatedAt,
}

// --- policies and versions ------------------------------------------------------------------------

/** The force's policies, by the name of their area. */
export function selectPolicies(tx: Transaction, forceId: number): Promise<PolicyRow[]> {
  return tx.select().from(policies).where(eq(policies.forceId, forceId)).orderBy(asc(policies.areaName))
}

export async function selectPolicy(tx: Transaction, policyId: string): Promise<PolicyRow | undefined> {
  const [row] = await tx.select().from(policies).where(eq(policies.id, policyId))
  return row
}

export async function insertPolicy(
  tx: Transaction,
  values: typeof policies.$inferInsert,
): Promise<PolicyRow | undefined> {
  const [row] = await tx.insert(policies).values(values).returning()
  return row
}

/** Every version of the force's policies, newest number first. */
export function selectForceVersions(tx: Transaction, forceId: number): Promise<VersionSummary[]> {
  return tx
    .select(versionColumns)
    .from(policyVersions)
    .where(eq(policyVersions.forceId, forceId))
    .orderBy(desc(policyVersions.number))
}

/** A policy's versions, newest first. */
export function selectPolicyVersions(tx: Transaction, policyId: string): Promise<VersionSummary[]> {
  return tx
    .select(versionColumns)
    .from(policyVersions)
    .where(eq(policyVersions.policyId, policyId))
    .orderBy(desc(policyVersions.number))
}

export async function selectVersion(tx: Transaction, versionId: string): Promise<VersionSummary | undefined> {
  const [row] = await tx.select(versionColumns).from(policyVersions).where(eq(policyVersions.id, versionId))
  return row
}

/** The number the policy's next version takes. */
export async function nextVersionNumber(tx: Transaction, policyId: string): Promise<number> {
  const [last] = await tx
    .select({ number: max(policyVersions.number) })
    .from(policyVersions)
    .where(eq(policyVersions.policyId, policyId))
  return (last?.number ?? 0) + 1
}

export async function insertVersion(
  tx: Transaction,
  values: typeof policyVersions.$inferInsert,
): Promise<VersionSummary | undefined> {
  const [row] = await tx.insert(policyVersions).values(values).returning(versionColumns)
  return row
}

export async function updateVersion(
  tx: Transaction,
  versionId: string,
  values: Partial<typeof policyVersions.$inferInsert>,
): Promise<VersionSummary | undefined> {
  const [row] = await tx
    .update(policyVersions)
    .set(values)
    .where(eq(policyVersions.id, versionId))
    .returning(versionColumns)
  return row
}

export async function selectDocument(tx: Transaction, versionId: string): Promise<Buffer | null> {
  const [row] = await tx
    .select({ document: policyVersions.document })
    .from(policyVersions)
    .where(eq(policyVersions.id, versionId))
  return row?.document ?? null
}

// --- requests to read a version -------------------------------------------------------------------

/** A member of staff's request to read a version, if they were asked. */
export async function selectRequest(
  tx: Transaction,
  versionId: string,
  staffMemberId: string,
): Promise<RequestRow | undefined> {
  const [request] = await tx
    .select()
    .from(policyAcknowledgementRequests)
    .where(
      and(
        eq(policyAcknowledgementRequests.versionId, versionId),
        eq(policyAcknowledgementRequests.staffMemberId, staffMemberId),
      ),
    )
  return request
}

/** Asks each member of staff to read a version, 500 a statement; how many were not asked before. */
export async function insertRequests(
  tx: Transaction,
  forceId: number,
  versionId: string,
  members: StaffMember[],
  requestedOn: string,
  dueOn: string,
): Promise<number> {
  let asked = 0
  for (let start = 0; start < members.length; start += 500) {
    const batch = members.slice(start, start + 500)
    const inserted = await tx
      .insert(policyAcknowledgementRequests)
      .values(
        batch.map((member) => ({
          versionId,
          forceId,
          staffMemberId: member.id,
          unit: member.unit,
          grade: member.grade,
          requestedOn,
          dueOn,
        })),
      )
      .onConflictDoNothing()
      .returning({ staffMemberId: policyAcknowledgementRequests.staffMemberId })
    asked += inserted.length
  }
  return asked
}

/** Records an acknowledgement, unless one was recorded already (then nothing is returned). */
export async function recordAcknowledgement(
  tx: Transaction,
  versionId: string,
  staffMemberId: string,
  values: Pick<RequestRow, 'acknowledgedAt' | 'acknowledgedOn' | 'acknowledgedBy' | 'answers'>,
): Promise<RequestRow | undefined> {
  const [updated] = await tx
    .update(policyAcknowledgementRequests)
    .set(values)
    .where(
      and(
        eq(policyAcknowledgementRequests.versionId, versionId),
        eq(policyAcknowledgementRequests.staffMemberId, staffMemberId),
        isNull(policyAcknowledgementRequests.acknowledgedAt),
      ),
    )
    .returning()
  return updated
}

export type StaffRequestRow = Awaited<ReturnType<typeof selectStaffRequests>>[number]

/** A member of staff's requests in their force, with the versions and policies, by due date and area. */
export function selectStaffRequests(tx: Transaction, staffMemberId: string, forceId: number) {
  return tx
    .select({
      versionId: policyVersions.id,
      policyTitle: policies.title,
      areaName: policies.areaName,
      number: policyVersions.number,
      title: policyVersions.title,
      requestedOn: policyAcknowledgementRequests.requestedOn,
      dueOn: policyAcknowledgementRequests.dueOn,
      acknowledgedAt: policyAcknowledgementRequests.acknowledgedAt,
      acknowledgedOn: policyAcknowledgementRequests.acknowledgedOn,
    })
    .from(policyAcknowledgementRequests)
    .innerJoin(policyVersions, eq(policyVersions.id, policyAcknowledgementRequests.versionId))
    .innerJoin(policies, eq(policies.id, policyVersions.policyId))
    .where(
      and(
        eq(policyAcknowledgementRequests.staffMemberId, staffMemberId),
        eq(policyAcknowledgementRequests.forceId, forceId),
      ),
    )
    .orderBy(asc(policyAcknowledgementRequests.dueOn), asc(policies.areaName))
}

/** When each person asked to read a version was asked, is due and acknowledged, and their unit. */
export function selectVersionRequests(tx: Transaction, versionId: string) {
  return tx
    .select({
      unit: policyAcknowledgementRequests.unit,
      dueOn: policyAcknowledgementRequests.dueOn,
      requestedOn: policyAcknowledgementRequests.requestedOn,
      acknowledgedOn: policyAcknowledgementRequests.acknowledgedOn,
    })
    .from(policyAcknowledgementRequests)
    .where(eq(policyAcknowledgementRequests.versionId, versionId))
}

/** The requests past their due date and not acknowledged, with the versions and policies, by unit. */
export function selectOverdueRequests(tx: Transaction, forceId: number, today: string, unit?: string) {
  return tx
    .select({
      staffMemberId: policyAcknowledgementRequests.staffMemberId,
      unit: policyAcknowledgementRequests.unit,
      grade: policyAcknowledgementRequests.grade,
      dueOn: policyAcknowledgementRequests.dueOn,
      versionId: policyVersions.id,
      number: policyVersions.number,
      policyTitle: policies.title,
      areaName: policies.areaName,
    })
    .from(policyAcknowledgementRequests)
    .innerJoin(policyVersions, eq(policyVersions.id, policyAcknowledgementRequests.versionId))
    .innerJoin(policies, eq(policies.id, policyVersions.policyId))
    .where(
      and(
        eq(policyAcknowledgementRequests.forceId, forceId),
        isNull(policyAcknowledgementRequests.acknowledgedAt),
        lt(policyAcknowledgementRequests.dueOn, today),
        ...(unit ? [eq(policyAcknowledgementRequests.unit, unit)] : []),
      ),
    )
    .orderBy(asc(policyAcknowledgementRequests.unit), asc(policyAcknowledgementRequests.dueOn))
}

// --- figures --------------------------------------------------------------------------------------

/** For each published version of the force (or those named): how many were asked, acknowledged, and overdue. */
export function selectVersionFigures(tx: Transaction, forceId: number, today: string, versionIds?: string[]) {
  const conditions = [eq(policyVersions.forceId, forceId), eq(policyVersions.status, 'published')]
  if (versionIds?.length) conditions.push(inArray(policyVersions.id, versionIds))
  return tx
    .select({
      versionId: policyVersions.id,
      policyId: policies.id,
      area: policies.area,
      areaName: policies.areaName,
      policyTitle: policies.title,
      number: policyVersions.number,
      title: policyVersions.title,
      publishedOn: policyVersions.publishedOn,
      deadline: policyVersions.deadline,
      restricted: policyVersions.restricted,
      audience: policyVersions.audience,
      applicable: sql<number>`count(${policyAcknowledgementRequests.staffMemberId})::int`,
      acknowledged: sql<number>`count(${policyAcknowledgementRequests.acknowledgedAt})::int`,
      overdue: sql<number>`count(*) filter (where ${policyAcknowledgementRequests.acknowledgedAt} is null and ${policyAcknowledgementRequests.dueOn} < ${today})::int`,
    })
    .from(policyVersions)
    .innerJoin(policies, eq(policies.id, policyVersions.policyId))
    .leftJoin(policyAcknowledgementRequests, eq(policyAcknowledgementRequests.versionId, policyVersions.id))
    .where(and(...conditions))
    .groupBy(policyVersions.id, policies.id)
    .orderBy(asc(policies.areaName), desc(policyVersions.number))
}

export function selectForcesPolicies(tx: Transaction, forceIds: number[]): Promise<PolicyRow[]> {
  return tx.select().from(policies).where(inArray(policies.forceId, forceIds))
}

/** The forces' versions published on or before the census date, newest first. */
export function selectPublishedBy(tx: Transaction, forceIds: number[], census: string) {
  return tx
    .select({
      id: policyVersions.id,
      policyId: policyVersions.policyId,
      number: policyVersions.number,
      publishedOn: policyVersions.publishedOn,
    })
    .from(policyVersions)
    .where(
      and(
        inArray(policyVersions.forceId, forceIds),
        isNotNull(policyVersions.publishedOn),
        sql`${policyVersions.publishedOn} <= ${census}`,
      ),
    )
    .orderBy(desc(policyVersions.publishedOn), desc(policyVersions.number))
}

/** For each version named: how many were asked by the census date and how many had acknowledged by then. */
export async function countAcknowledgedBy(
  tx: Transaction,
  versionIds: string[],
  census: string,
): Promise<{ versionId: string; applicable: number; acknowledged: number }[]> {
  if (!versionIds.length) return []
  return tx
    .select({
      versionId: policyAcknowledgementRequests.versionId,
      applicable: sql<number>`count(*) filter (where ${policyAcknowledgementRequests.requestedOn} <= ${census})::int`,
      acknowledged: sql<number>`count(*) filter (where ${policyAcknowledgementRequests.requestedOn} <= ${census} and ${policyAcknowledgementRequests.acknowledgedOn} <= ${census})::int`,
    })
    .from(policyAcknowledgementRequests)
    .where(inArray(policyAcknowledgementRequests.versionId, versionIds))
    .groupBy(policyAcknowledgementRequests.versionId)
}

/**
 * The force dashboard's counts as at `today`, in one statement: for the current versions (each policy's
 * latest published on or before today), how many were asked and how many acknowledged; and across every
 * version, the acknowledgements past their deadline and the people they belong to.
 */
export async function selectDashboardCounts(tx: Transaction, forceId: number, today: string) {
  const requests = policyAcknowledgementRequests
  const current = tx
    .selectDistinctOn([policyVersions.policyId], { id: policyVersions.id })
    .from(policyVersions)
    .where(
      and(
        eq(policyVersions.forceId, forceId),
        eq(policyVersions.status, 'published'),
        sql`${policyVersions.publishedOn} <= ${today}`,
      ),
    )
    .orderBy(policyVersions.policyId, desc(policyVersions.publishedOn), desc(policyVersions.number))
  const overdue = sql`from policy_acknowledgement_requests o
    where o.force_id = ${forceId} and o.acknowledged_at is null and o.due_on < ${today}`
  const [row] = await tx
    .select({
      currentVersions: sql<number>`(select count(*) from (${current}) current_versions)`.mapWith(Number),
      applicable: sql<number>`count(*)`.mapWith(Number),
      acknowledged: sql<number>`count(${requests.acknowledgedAt})`.mapWith(Number),
      overdueAcknowledgements: sql<number>`(select count(*) ${overdue})`.mapWith(Number),
      overdueStaff: sql<number>`(select count(distinct o.staff_member_id) ${overdue})`.mapWith(Number),
    })
    .from(requests)
    .where(and(eq(requests.forceId, forceId), inArray(requests.versionId, current)))
  return row
}
