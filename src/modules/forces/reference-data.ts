import fs from 'node:fs'
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { forceInspectionReferences, forces, regions } from './schema.js'

/** The 44 forces of England and Wales in 2012, as published; shipped with the code. */
export const FORCES_REFERENCE_CSV = new URL('./reference/forces-2012.csv', import.meta.url)

const yesNo = z.enum(['yes', 'no']).transform((value) => value === 'yes')
const optionalText = z
  .string()
  .trim()
  .transform((value) => value || null)

const referenceRow = z.object({
  code: z.string().regex(/^[a-z]+(-[a-z]+)*$/, 'lower-case words joined by hyphens'),
  name: z.string().trim().min(1),
  country: z.string().trim().min(1),
  kind: z.enum(['territorial', 'special']),
  region_2012: z.string().trim().min(1),
  region_confirmed: yesNo,
  hmi_2012: optionalText,
  // Later columns: a file without them reads as not recorded.
  hmi_honours_2012: optionalText.optional().transform((value) => value ?? null),
  source_2012: optionalText.optional().transform((value) => value ?? null),
  officers_fte_mar2012_approx: z
    .string()
    .trim()
    .transform((value) => (value === '' ? null : Number(value)))
    .pipe(z.number().int().positive().nullable()),
})

export type ForceReference = z.infer<typeof referenceRow>

/** The day the shipped 2012 regions and HMIs hold from. */
export const SHIPPED_REFERENCE_FROM = '2012-01-01'

/** Parses and validates the reference file; any bad row stops the load with its line number. */
export function readForceReference(csvText: string): ForceReference[] {
  const records: Record<string, string>[] = parse(csvText, { columns: true, skip_empty_lines: true })
  return records.map((record, index) => {
    const parsed = referenceRow.safeParse(record)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      // Line 1 is the header row.
      throw new Error(`forces reference line ${index + 2}: ${issue?.path.join('.')} ${issue?.message}`)
    }
    return parsed.data
  })
}

/**
 * Inserts the regions and forces that are not there yet. Existing rows are left alone, so what an
 * inspectorate admin has since edited (a region's HMI, say) survives every restart.
 */
export async function loadForceReference(db: Database, rows: ForceReference[]): Promise<void> {
  const hmiByRegion = new Map<string, string | null>()
  for (const row of rows) {
    const known = hmiByRegion.get(row.region_2012)
    if (known && row.hmi_2012 && known !== row.hmi_2012) {
      throw new Error(
        `forces reference: region ${row.region_2012} names two HMIs, ${known} and ${row.hmi_2012}`,
      )
    }
    hmiByRegion.set(row.region_2012, known ?? row.hmi_2012)
  }
  await db.transaction(async (tx) => {
    await tx
      .insert(regions)
      .values([...hmiByRegion].map(([name, hmiName]) => ({ name, hmiName })))
      .onConflictDoNothing({ target: regions.name })
    const regionIds = new Map((await tx.select().from(regions)).map((region) => [region.name, region.id]))
    await tx
      .insert(forces)
      .values(
        rows.map((row) => ({
          code: row.code,
          name: row.name,
          country: row.country,
          kind: row.kind,
          regionId: regionIds.get(row.region_2012) as number,
          regionConfirmed: row.region_confirmed,
          officersFte: row.officers_fte_mar2012_approx,
        })),
      )
      .onConflictDoNothing({ target: forces.code })
    // Each force's 2012 region and HMI as the shipped list has them; an admin's later edits are kept.
    const forceIds = new Map((await tx.select().from(forces)).map((force) => [force.code, force.id]))
    await tx
      .insert(forceInspectionReferences)
      .values(
        rows.map((row) => ({
          forceId: forceIds.get(row.code) as number,
          effectiveFrom: SHIPPED_REFERENCE_FROM,
          region: row.region_2012,
          hmiName: row.hmi_2012,
          hmiHonours: row.hmi_honours_2012,
          // Confirmed only with both a region and an HMI: an inferred region is not a confirmed one.
          confirmed: row.region_confirmed && row.hmi_2012 !== null,
          sourceNote: row.source_2012,
          updatedByLabel: 'Shipped reference list',
        })),
      )
      .onConflictDoNothing({
        target: [forceInspectionReferences.forceId, forceInspectionReferences.effectiveFrom],
      })
  })
}

export async function loadShippedForceReference(db: Database): Promise<void> {
  await loadForceReference(db, readForceReference(fs.readFileSync(FORCES_REFERENCE_CSV, 'utf8')))
}
