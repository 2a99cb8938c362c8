import type { Transaction } from '../../db/tenancy.js'
import { welshTranslationApprovals } from './schema.js'

export type ApprovalRow = typeof welshTranslationApprovals.$inferSelect

export function selectApprovals(tx: Transaction): Promise<ApprovalRow[]> {
  return tx.select().from(welshTranslationApprovals)
}

export async function upsertApproval(
  tx: Transaction,
  values: Omit<ApprovalRow, 'approvedAt'> & { approvedAt: Date },
): Promise<void> {
  const { key, ...rest } = values
  await tx
    .insert(welshTranslationApprovals)
    .values(values)
    .onConflictDoUpdate({ target: welshTranslationApprovals.key, set: rest })
}
