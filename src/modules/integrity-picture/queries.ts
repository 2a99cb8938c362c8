import { eq } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import type { Indicator, IndicatorSetting } from '../../domain/early-intervention.js'
import { earlyInterventionSettings } from './schema.js'

/** The indicators' settings a force has stored (row-level security keeps them its own). */
export async function selectSettings(tx: Transaction, forceId: number): Promise<IndicatorSetting[]> {
  const rows = await tx
    .select()
    .from(earlyInterventionSettings)
    .where(eq(earlyInterventionSettings.forceId, forceId))
  return rows.map((row) => ({
    indicator: row.indicator as Indicator,
    threshold: row.threshold,
    window: row.windowLength,
  }))
}

/** Stores a force's setting of each indicator given, replacing what it had. */
export async function upsertSettings(
  tx: Transaction,
  forceId: number,
  settings: readonly IndicatorSetting[],
  now: Date,
): Promise<void> {
  for (const setting of settings)
    await tx
      .insert(earlyInterventionSettings)
      .values({
        forceId,
        indicator: setting.indicator,
        threshold: setting.threshold,
        windowLength: setting.window,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [earlyInterventionSettings.forceId, earlyInterventionSettings.indicator],
        set: { threshold: setting.threshold, windowLength: setting.window, updatedAt: now },
      })
}
