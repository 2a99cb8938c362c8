import { and, eq, inArray } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import type { Caller } from '../../domain/access.js'
import { appendAuditEvent } from '../audit/service.js'
import { dataReturnValues } from './schema.js'
import type { AssessmentFacts } from './service.js'

/** The audit trail's name for a force's data return (one per assessment: the entity id). */
export const DATA_RETURN_ENTITY = 'data-return'

export type ValueRow = typeof dataReturnValues.$inferSelect

/** The columns of an override on an item's row. */
export type OverrideColumns = Pick<
  typeof dataReturnValues.$inferInsert,
  'overrideValue' | 'overrideReason' | 'overriddenBy' | 'overriddenAt'
>

/** An item with no override. */
export const NO_OVERRIDE: OverrideColumns = {
  overrideValue: null,
  overrideReason: null,
  overriddenBy: null,
  overriddenAt: null,
}

/** The rows of a force's return, by item code. */
export async function selectReturnRows(
  tx: Transaction,
  assessment: AssessmentFacts,
): Promise<Map<string, ValueRow>> {
  const rows = await tx
    .select()
    .from(dataReturnValues)
    .where(
      and(
        eq(dataReturnValues.assessmentId, assessment.id),
        eq(dataReturnValues.forceId, assessment.force.id),
      ),
    )
  return new Map(rows.map((row) => [row.item, row]))
}

/** Every row of several forces' returns at once, from one query. */
export function selectRowsOfAssessments(tx: Transaction, assessmentIds: string[]): Promise<ValueRow[]> {
  return tx.select().from(dataReturnValues).where(inArray(dataReturnValues.assessmentId, assessmentIds))
}

/** Stores an item's value in the force's return: a new row, or the columns given replacing the row's. */
export async function writeValue(
  tx: Transaction,
  assessment: AssessmentFacts,
  code: string,
  written: Omit<typeof dataReturnValues.$inferInsert, 'id' | 'assessmentId' | 'forceId' | 'item'>,
): Promise<void> {
  await tx
    .insert(dataReturnValues)
    .values({ assessmentId: assessment.id, forceId: assessment.force.id, item: code, ...written })
    .onConflictDoUpdate({ target: [dataReturnValues.assessmentId, dataReturnValues.item], set: written })
}

/** Writes an item's override columns (`NO_OVERRIDE` clears them): the row as it then stands. */
export async function writeOverrideColumns(
  tx: Transaction,
  rowId: string,
  override: OverrideColumns,
): Promise<ValueRow | undefined> {
  const [updated] = await tx
    .update(dataReturnValues)
    .set(override)
    .where(eq(dataReturnValues.id, rowId))
    .returning()
  return updated
}

/** A change being written to a force's return: in which transaction, by whom, to which return, and when. */
export interface ReturnWrite {
  tx: Transaction
  caller: Caller
  assessment: AssessmentFacts
  now: Date
}

/** Records an event in the audit trail of the force's return (the assessment is the entity). */
export async function auditReturn(
  { tx, caller, assessment, now }: ReturnWrite,
  event: { action: string; before: unknown; after: unknown },
): Promise<void> {
  await appendAuditEvent(
    tx,
    caller.actor,
    { forceId: assessment.force.id, entityType: DATA_RETURN_ENTITY, entityId: assessment.id, ...event },
    now,
  )
}
