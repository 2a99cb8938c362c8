import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { Transaction } from '../../db/tenancy.js'
import type { Caller } from '../../domain/access.js'
import { type AuditRecord, appendAuditEvent } from '../audit/service.js'
import {
  factualAccuracyComments,
  openDataSettings,
  type PublicationKind,
  publications,
  publicationTemplates,
  publicationVersions,
} from './schema.js'

export const PUBLICATION_ENTITY = 'publication-version'
export const COMMENT_ENTITY = 'factual-accuracy-comment'
export const TEMPLATE_ENTITY = 'publication-template'

export type VersionRow = typeof publicationVersions.$inferSelect
export type PublicationRow = typeof publications.$inferSelect
export type CommentRow = typeof factualAccuracyComments.$inferSelect

const uuid = z.uuid()

/** Whether a string can be a row's id: anything else is not found, without asking the database. */
export function isId(value: string): boolean {
  return uuid.safeParse(value).success
}

/** Records an event in the audit trail, as the caller, at the time on the clock given. */
export async function appendEvent(
  clock: { now: () => Date },
  tx: Transaction,
  caller: Caller,
  event: AuditRecord,
): Promise<void> {
  await appendAuditEvent(tx, caller.actor, event, clock.now())
}

// ---------------------------------------------------------------------------------------------------
// Documents and their versions

/** Versions of documents, each beside its document, for a `.where` to choose from. */
function selectVersions(tx: Transaction) {
  return tx
    .select({ version: publicationVersions, publication: publications })
    .from(publicationVersions)
    .innerJoin(publications, eq(publications.id, publicationVersions.publicationId))
}

/** The versions of an inspection's documents (or of all), of one force's (or of all), by kind, newest first. */
export function selectDocumentVersions(tx: Transaction, inspectionId?: string, forceId?: number) {
  return selectVersions(tx)
    .where(
      and(
        inspectionId ? eq(publications.inspectionId, inspectionId) : undefined,
        forceId !== undefined ? eq(publications.forceId, forceId) : undefined,
      ),
    )
    .orderBy(asc(publications.kind), desc(publicationVersions.version))
}

export function selectVersionWithDocument(tx: Transaction, versionId: string) {
  return selectVersions(tx).where(eq(publicationVersions.id, versionId))
}

/** A document's versions, newest first. */
export function selectVersionsOfDocument(tx: Transaction, publicationId: string) {
  return selectVersions(tx)
    .where(eq(publicationVersions.publicationId, publicationId))
    .orderBy(desc(publicationVersions.version))
}

/** The versions of every document of an inspection, newest first. */
export function selectVersionsOfInspection(tx: Transaction, inspectionId: string) {
  return selectVersions(tx)
    .where(eq(publications.inspectionId, inspectionId))
    .orderBy(desc(publicationVersions.version))
}

export function selectVersionsById(tx: Transaction, ids: string[]) {
  return selectVersions(tx).where(inArray(publicationVersions.id, ids))
}

export function selectVersionRow(tx: Transaction, versionId: string) {
  return tx.select().from(publicationVersions).where(eq(publicationVersions.id, versionId))
}

/** A version's row, locked until the transaction ends. */
export function lockVersionRow(tx: Transaction, versionId: string) {
  return tx.select().from(publicationVersions).where(eq(publicationVersions.id, versionId)).for('update')
}

/** A document's latest version. */
export function selectLatestVersionRow(tx: Transaction, publicationId: string) {
  return tx
    .select()
    .from(publicationVersions)
    .where(eq(publicationVersions.publicationId, publicationId))
    .orderBy(desc(publicationVersions.version))
    .limit(1)
}

/** The number of a document's latest version. */
export function selectLatestVersionNumber(tx: Transaction, publicationId: string) {
  return tx
    .select({ version: publicationVersions.version })
    .from(publicationVersions)
    .where(eq(publicationVersions.publicationId, publicationId))
    .orderBy(desc(publicationVersions.version))
    .limit(1)
}

/** The id of a document's version with this number, if there is one. */
export function selectNumberedVersion(tx: Transaction, publicationId: string, version: number) {
  return tx
    .select({ id: publicationVersions.id })
    .from(publicationVersions)
    .where(
      and(eq(publicationVersions.publicationId, publicationId), eq(publicationVersions.version, version)),
    )
}

export function insertVersion(tx: Transaction, values: typeof publicationVersions.$inferInsert) {
  return tx.insert(publicationVersions).values(values).returning()
}

export function updateVersion(tx: Transaction, versionId: string, set: Partial<VersionRow>) {
  return tx.update(publicationVersions).set(set).where(eq(publicationVersions.id, versionId)).returning()
}

/** The document of a kind for a force in an inspection (the national one when `forceId` is null). */
export function selectPublication(
  tx: Transaction,
  inspectionId: string,
  forceId: number | null,
  kind: PublicationKind,
) {
  return tx
    .select()
    .from(publications)
    .where(
      and(
        eq(publications.inspectionId, inspectionId),
        forceId !== null ? eq(publications.forceId, forceId) : isNull(publications.forceId),
        eq(publications.kind, kind),
      ),
    )
}

export function insertPublication(tx: Transaction, values: typeof publications.$inferInsert) {
  return tx.insert(publications).values(values).returning()
}

// ---------------------------------------------------------------------------------------------------
// Factual-accuracy comments

/** A version's comments, oldest first. */
export function selectComments(tx: Transaction, versionId: string) {
  return tx
    .select()
    .from(factualAccuracyComments)
    .where(eq(factualAccuracyComments.versionId, versionId))
    .orderBy(asc(factualAccuracyComments.createdAt))
}

/** The ids of a version's comments not answered yet. */
export function selectOpenComments(tx: Transaction, versionId: string) {
  return tx
    .select({ id: factualAccuracyComments.id })
    .from(factualAccuracyComments)
    .where(and(eq(factualAccuracyComments.versionId, versionId), isNull(factualAccuracyComments.response)))
}

export function selectComment(tx: Transaction, commentId: string) {
  return tx.select().from(factualAccuracyComments).where(eq(factualAccuracyComments.id, commentId))
}

export function insertComment(tx: Transaction, values: typeof factualAccuracyComments.$inferInsert) {
  return tx.insert(factualAccuracyComments).values(values).returning()
}

export function updateComment(tx: Transaction, commentId: string, set: Partial<CommentRow>) {
  return tx
    .update(factualAccuracyComments)
    .set(set)
    .where(eq(factualAccuracyComments.id, commentId))
    .returning()
}

// ---------------------------------------------------------------------------------------------------
// Templates and open data settings

export function selectTemplate(tx: Transaction, kind: PublicationKind) {
  return tx.select().from(publicationTemplates).where(eq(publicationTemplates.kind, kind))
}

export async function upsertTemplate(tx: Transaction, values: typeof publicationTemplates.$inferInsert) {
  await tx
    .insert(publicationTemplates)
    .values(values)
    .onConflictDoUpdate({ target: publicationTemplates.kind, set: values })
}

export function deleteTemplate(tx: Transaction, kind: PublicationKind) {
  return tx.delete(publicationTemplates).where(eq(publicationTemplates.kind, kind)).returning()
}

export function selectOpenDataSettings(tx: Transaction, inspectionId: string) {
  return tx.select().from(openDataSettings).where(eq(openDataSettings.inspectionId, inspectionId))
}

export async function upsertOpenDataSettings(tx: Transaction, values: typeof openDataSettings.$inferInsert) {
  await tx
    .insert(openDataSettings)
    .values(values)
    .onConflictDoUpdate({ target: openDataSettings.inspectionId, set: values })
}
