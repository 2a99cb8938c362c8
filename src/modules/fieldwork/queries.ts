import { and, asc, eq, inArray, max } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import { evidenceNotes, findings, judgements } from './schema.js'

export type NoteRow = typeof evidenceNotes.$inferSelect
export type FindingRow = typeof findings.$inferSelect
export type JudgementRow = typeof judgements.$inferSelect

/** An assessment's evidence notes, oldest first. */
export function selectNotes(tx: Transaction, assessmentId: string) {
  return tx
    .select()
    .from(evidenceNotes)
    .where(eq(evidenceNotes.assessmentId, assessmentId))
    .orderBy(asc(evidenceNotes.createdAt), asc(evidenceNotes.id))
}

export function insertNote(tx: Transaction, values: typeof evidenceNotes.$inferInsert) {
  return tx.insert(evidenceNotes).values(values).returning()
}

/** An assessment's findings in the order set within each area. */
export function selectFindings(tx: Transaction, assessmentId: string) {
  return tx
    .select()
    .from(findings)
    .where(eq(findings.assessmentId, assessmentId))
    .orderBy(asc(findings.position), asc(findings.createdAt), asc(findings.id))
}

/** The findings of several assessments, in the order set within each area. */
export function selectFindingsOf(tx: Transaction, assessmentIds: string[]) {
  return tx
    .select()
    .from(findings)
    .where(inArray(findings.assessmentId, assessmentIds))
    .orderBy(asc(findings.position), asc(findings.createdAt), asc(findings.id))
}

export function selectFinding(tx: Transaction, assessmentId: string, findingId: string) {
  return tx
    .select()
    .from(findings)
    .where(and(eq(findings.id, findingId), eq(findings.assessmentId, assessmentId)))
}

/** The highest place among an area's findings (null when it has none). */
export function selectLastPosition(tx: Transaction, assessmentId: string, areaId: string) {
  return tx
    .select({ position: max(findings.position) })
    .from(findings)
    .where(and(eq(findings.assessmentId, assessmentId), eq(findings.areaId, areaId)))
}

/** An area's findings in order, locked until the transaction ends. */
export function selectAreaFindingsForUpdate(tx: Transaction, assessmentId: string, areaId: string) {
  return tx
    .select({ id: findings.id, position: findings.position })
    .from(findings)
    .where(and(eq(findings.assessmentId, assessmentId), eq(findings.areaId, areaId)))
    .orderBy(asc(findings.position), asc(findings.createdAt), asc(findings.id))
    .for('update')
}

export function insertFinding(tx: Transaction, values: typeof findings.$inferInsert) {
  return tx.insert(findings).values(values).returning()
}

export function updateFinding(tx: Transaction, findingId: string, changes: Partial<FindingRow>) {
  return tx.update(findings).set(changes).where(eq(findings.id, findingId)).returning()
}

export function updateFindingPosition(tx: Transaction, findingId: string, position: number) {
  return tx.update(findings).set({ position }).where(eq(findings.id, findingId))
}

export function deleteFindingRow(tx: Transaction, findingId: string) {
  return tx.delete(findings).where(eq(findings.id, findingId))
}

export async function selectJudgement(tx: Transaction, assessmentId: string): Promise<JudgementRow | null> {
  const [row] = await tx.select().from(judgements).where(eq(judgements.assessmentId, assessmentId))
  return row ?? null
}

/** An assessment's judgement, locked until the transaction ends. */
export async function selectJudgementForUpdate(
  tx: Transaction,
  assessmentId: string,
): Promise<JudgementRow | null> {
  const [row] = await tx
    .select()
    .from(judgements)
    .where(eq(judgements.assessmentId, assessmentId))
    .for('update')
  return row ?? null
}

/** The judgements of several assessments. */
export function selectJudgementsOf(tx: Transaction, assessmentIds: string[]) {
  return tx.select().from(judgements).where(inArray(judgements.assessmentId, assessmentIds))
}

/** The judgement and status of several assessments, with their force. */
export function selectJudgementSummaries(tx: Transaction, assessmentIds: string[]) {
  return tx
    .select({ forceId: judgements.forceId, judgement: judgements.judgement, status: judgements.status })
    .from(judgements)
    .where(inArray(judgements.assessmentId, assessmentIds))
}

export function insertJudgement(tx: Transaction, values: typeof judgements.$inferInsert) {
  return tx.insert(judgements).values(values).returning()
}

export function updateJudgement(tx: Transaction, assessmentId: string, changes: Partial<JudgementRow>) {
  return tx.update(judgements).set(changes).where(eq(judgements.assessmentId, assessmentId)).returning()
}
