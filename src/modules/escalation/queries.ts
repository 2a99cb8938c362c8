import { and, desc, eq, inArray } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import type { MonitoringState } from '../../domain/escalation.js'
import { escalationRules, monitoringStateChanges } from './schema.js'

export type ChangeRow = typeof monitoringStateChanges.$inferSelect
export type RuleRow = typeof escalationRules.$inferSelect

export function selectRuleRows(tx: Transaction): Promise<RuleRow[]> {
  return tx.select().from(escalationRules)
}

export async function saveRuleRows(tx: Transaction, rows: Omit<RuleRow, 'updatedAt'>[], now: Date) {
  for (const row of rows)
    await tx
      .insert(escalationRules)
      .values({ ...row, updatedAt: now })
      .onConflictDoUpdate({ target: escalationRules.rule, set: { ...row, updatedAt: now } })
}

/** The changes the scope reads of the forces given (row-level security leaves a force its confirmed ones), newest first. */
export function selectChanges(tx: Transaction, forceIds: readonly number[]): Promise<ChangeRow[]> {
  if (!forceIds.length) return Promise.resolve([])
  return tx
    .select()
    .from(monitoringStateChanges)
    .where(inArray(monitoringStateChanges.forceId, [...forceIds]))
    .orderBy(desc(monitoringStateChanges.proposedAt), desc(monitoringStateChanges.id))
}

export async function selectChange(
  tx: Transaction,
  forceId: number,
  id: string,
  lock = false,
): Promise<ChangeRow | undefined> {
  const query = tx
    .select()
    .from(monitoringStateChanges)
    .where(and(eq(monitoringStateChanges.forceId, forceId), eq(monitoringStateChanges.id, id)))
  const [row] = lock ? await query.for('update') : await query
  return row
}

/** The force's state: where its latest confirmed change left it, or Scan. */
export function currentStateOf(changes: readonly ChangeRow[]): {
  state: MonitoringState
  since: ChangeRow | null
} {
  const latest = changes
    .filter((change) => change.status === 'confirmed')
    .reduce<ChangeRow | null>(
      (newest, change) =>
        !newest || (change.decidedAt ?? change.proposedAt) > (newest.decidedAt ?? newest.proposedAt)
          ? change
          : newest,
      null,
    )
  return { state: latest?.toState ?? 'scan', since: latest }
}

export async function insertChange(
  tx: Transaction,
  values: typeof monitoringStateChanges.$inferInsert,
): Promise<ChangeRow> {
  const [row] = await tx.insert(monitoringStateChanges).values(values).returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

export async function updateChange(
  tx: Transaction,
  id: string,
  values: Partial<typeof monitoringStateChanges.$inferInsert>,
): Promise<ChangeRow> {
  const [row] = await tx
    .update(monitoringStateChanges)
    .set(values)
    .where(eq(monitoringStateChanges.id, id))
    .returning()
  if (!row) throw new Error('update returned no row')
  return row
}
