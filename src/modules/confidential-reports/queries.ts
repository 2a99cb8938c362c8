import { and, asc, desc, eq, getTableColumns, inArray, lt, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import type { ReportStatus } from '../../domain/confidential-reports.js'
import {
  confidentialReportAttachments,
  confidentialReportCounts,
  confidentialReportFormTokens,
  confidentialReportingSettings,
  confidentialReportMessages,
  confidentialReports,
} from './schema.js'

export type ReportRow = typeof confidentialReports.$inferSelect
export type MessageRow = typeof confidentialReportMessages.$inferSelect
export type AttachmentRow = typeof confidentialReportAttachments.$inferSelect

export const REPORT_ENTITY = 'confidential-report'

/** Spends a report form's token: false when it was spent before. */
export async function spendFormToken(tx: Transaction, forceId: number, nonce: string, today: string) {
  const spent = await tx
    .insert(confidentialReportFormTokens)
    .values({ forceId, nonce, spentOn: today })
    .onConflictDoNothing()
    .returning({ nonce: confidentialReportFormTokens.nonce })
  return spent.length === 1
}

/** Forgets tokens spent before `before`: they have expired, so cannot be sent again anyway. */
export async function forgetSpentTokens(tx: Transaction, forceId: number, before: string) {
  await tx
    .delete(confidentialReportFormTokens)
    .where(
      and(
        eq(confidentialReportFormTokens.forceId, forceId),
        lt(confidentialReportFormTokens.spentOn, before),
      ),
    )
}

export async function selectReport(tx: Transaction, forceId: number, id: string) {
  const [row] = await tx
    .select()
    .from(confidentialReports)
    .where(and(eq(confidentialReports.forceId, forceId), eq(confidentialReports.id, id)))
  return row
}

/** Keeps a new report: undefined when its receipt code is given already. */
export async function insertReport(tx: Transaction, report: typeof confidentialReports.$inferInsert) {
  const [taken] = await tx
    .insert(confidentialReports)
    .values(report)
    .onConflictDoNothing()
    .returning({ id: confidentialReports.id })
  return taken
}

/** Changes a report's status, with what goes with it: the case it went into, or why it was closed. */
export async function updateReport(
  tx: Transaction,
  id: string,
  changes: Partial<typeof confidentialReports.$inferInsert>,
) {
  await tx.update(confidentialReports).set(changes).where(eq(confidentialReports.id, id))
}

export async function selectReportByReceipt(tx: Transaction, forceId: number, receiptCode: string) {
  const [row] = await tx
    .select({ id: confidentialReports.id, passphraseHash: confidentialReports.passphraseHash })
    .from(confidentialReports)
    .where(and(eq(confidentialReports.forceId, forceId), eq(confidentialReports.receiptCode, receiptCode)))
  return row
}

/** The queue: reports of one status, newest first, with how many messages each has and who wrote last. */
export async function selectQueue(tx: Transaction, forceId: number, status: ReportStatus) {
  const { passphraseHash: _hash, ...columns } = getTableColumns(confidentialReports)
  const lastAuthor = sql<'reporter' | 'unit' | null>`(
    select m.author from ${confidentialReportMessages} m
     where m.report_id = ${confidentialReports.id} order by m.seq desc limit 1)`
  return tx
    .select({ ...columns, lastAuthor })
    .from(confidentialReports)
    .where(and(eq(confidentialReports.forceId, forceId), eq(confidentialReports.status, status)))
    .orderBy(desc(confidentialReports.receivedOn), asc(confidentialReports.receiptCode))
    .limit(500)
}

export async function selectMessages(tx: Transaction, reportId: string): Promise<MessageRow[]> {
  return tx
    .select()
    .from(confidentialReportMessages)
    .where(eq(confidentialReportMessages.reportId, reportId))
    .orderBy(asc(confidentialReportMessages.seq))
}

export async function insertMessage(
  tx: Transaction,
  message: typeof confidentialReportMessages.$inferInsert,
) {
  await tx.insert(confidentialReportMessages).values(message)
}

/** A report's attachments without their bytes. */
export async function selectAttachmentList(tx: Transaction, reportId: string) {
  return tx
    .select({
      id: confidentialReportAttachments.id,
      filename: confidentialReportAttachments.filename,
      mediaType: confidentialReportAttachments.mediaType,
      bytes: confidentialReportAttachments.bytes,
    })
    .from(confidentialReportAttachments)
    .where(eq(confidentialReportAttachments.reportId, reportId))
    .orderBy(asc(confidentialReportAttachments.filename))
}

export async function selectAttachment(tx: Transaction, reportId: string, id: string) {
  const [row] = await tx
    .select()
    .from(confidentialReportAttachments)
    .where(
      and(eq(confidentialReportAttachments.reportId, reportId), eq(confidentialReportAttachments.id, id)),
    )
  return row
}

export async function insertAttachment(
  tx: Transaction,
  attachment: typeof confidentialReportAttachments.$inferInsert,
) {
  await tx.insert(confidentialReportAttachments).values(attachment)
}

export async function selectRetentionDays(tx: Transaction, forceId: number): Promise<number | undefined> {
  const [row] = await tx
    .select({ days: confidentialReportingSettings.retentionDays })
    .from(confidentialReportingSettings)
    .where(eq(confidentialReportingSettings.forceId, forceId))
  return row?.days
}

export async function upsertRetentionDays(tx: Transaction, forceId: number, days: number, now: Date) {
  await tx
    .insert(confidentialReportingSettings)
    .values({ forceId, retentionDays: days, updatedAt: now })
    .onConflictDoUpdate({
      target: confidentialReportingSettings.forceId,
      set: { retentionDays: days, updatedAt: now },
    })
}

/** Reports closed without a case on or before `closedBy`, oldest first. */
export async function selectClosedWithoutCase(tx: Transaction, forceId: number, closedBy: string) {
  return tx
    .select({ id: confidentialReports.id, receivedOn: confidentialReports.receivedOn })
    .from(confidentialReports)
    .where(
      and(
        eq(confidentialReports.forceId, forceId),
        eq(confidentialReports.status, 'closed'),
        sql`${confidentialReports.caseId} is null`,
        sql`${confidentialReports.closedOn} <= ${closedBy}`,
      ),
    )
}

export async function deleteReports(tx: Transaction, forceId: number, ids: string[]) {
  if (!ids.length) return
  await tx
    .delete(confidentialReports)
    .where(and(eq(confidentialReports.forceId, forceId), inArray(confidentialReports.id, ids)))
}

/** Adds reports deleted under retention to the force's counts, by the year each arrived. */
export async function addDeletedCounts(tx: Transaction, forceId: number, byYear: Map<number, number>) {
  for (const [year, deleted] of byYear)
    await tx
      .insert(confidentialReportCounts)
      .values({ forceId, year, deleted })
      .onConflictDoUpdate({
        target: [confidentialReportCounts.forceId, confidentialReportCounts.year],
        set: { deleted: sql`${confidentialReportCounts.deleted} + ${deleted}` },
      })
}

export async function selectDeletedCounts(tx: Transaction, forceId: number) {
  return tx
    .select({ year: confidentialReportCounts.year, deleted: confidentialReportCounts.deleted })
    .from(confidentialReportCounts)
    .where(eq(confidentialReportCounts.forceId, forceId))
    .orderBy(desc(confidentialReportCounts.year))
}

/** How many reports of each status the force holds. */
export async function selectStatusCounts(tx: Transaction, forceId: number) {
  return tx
    .select({ status: confidentialReports.status, reports: sql<number>`count(*)::int` })
    .from(confidentialReports)
    .where(eq(confidentialReports.forceId, forceId))
    .groupBy(confidentialReports.status)
}
