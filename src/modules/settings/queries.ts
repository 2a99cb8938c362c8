import { eq } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import { settings } from './schema.js'

export async function findSetting(tx: Transaction, name: string): Promise<unknown> {
  const [row] = await tx.select({ value: settings.value }).from(settings).where(eq(settings.name, name))
  return row?.value
}

export async function upsertSetting(tx: Transaction, name: string, value: unknown, at: Date): Promise<void> {
  await tx
    .insert(settings)
    .values({ name, value, updatedAt: at })
    .onConflictDoUpdate({ target: settings.name, set: { value, updatedAt: at } })
}
