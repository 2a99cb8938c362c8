import { asc, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import { isoDay } from '../../domain/fields.js'
import { appendAuditEvent } from '../audit/service.js'
import { forceInspectionReferences, forces } from './schema.js'

/**
 * Each force's inspection region and HM Inspector, dated, with where it comes from and whether a
 * published source confirms it. Publications read the row in effect on the inspection's census date,
 * and name the region and the HMI only when that row is confirmed.
 */

export const REFERENCE_ENTITY = 'force-inspection-reference'

export interface InspectionReference {
  forceCode: string
  forceName: string
  effectiveFrom: string
  region: string | null
  hmiName: string | null
  hmiHonours: string | null
  confirmed: boolean
  sourceNote: string | null
  updatedByLabel: string
  updatedAt: Date
}

/** Why a publication may not name the force's region and HMI yet; null when it may. */
export function referenceGap(forceName: string, reference: InspectionReference | undefined): string | null {
  if (!reference?.region || !reference.hmiName)
    return `The HM Inspector and region of ${forceName} are not recorded: fill them in the forces' reference data and confirm them`
  if (!reference.confirmed)
    return `The HM Inspector (${reference.hmiName}) and region (${reference.region}) of ${forceName} are not confirmed by a source: confirm them in the forces' reference data`
  return null
}

const optionalText = (label: string, most: number) =>
  z
    .string(`${label} must be text`)
    .trim()
    .max(most, `${label} must be ${most} characters or fewer`)
    .optional()
    .transform((value) => value || null)

export const referenceInputSchema = z
  .object({
    effectiveFrom: z
      .string('Enter the date the row holds from')
      .trim()
      .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && isoDay(value) === value, {
        message: 'Enter the date it holds from as a real date, like 2012-01-01',
      }),
    region: optionalText('Region', 100),
    hmiName: optionalText('HM Inspector', 120),
    hmiHonours: optionalText('Honours', 40),
    confirmed: z
      .enum(['yes', 'no'], 'Select whether a published source confirms the region and HM Inspector')
      .transform((value) => value === 'yes'),
    sourceNote: optionalText('Source', 500),
  })
  .superRefine((input, context) => {
    if (input.confirmed && (!input.region || !input.hmiName)) {
      context.addIssue({
        code: 'custom',
        path: ['confirmed'],
        message: 'Only a row with both a region and an HM Inspector can be confirmed',
      })
    }
    if (input.confirmed && !input.sourceNote) {
      context.addIssue({ code: 'custom', path: ['sourceNote'], message: 'Say which source confirms it' })
    }
  })
export type ReferenceInput = z.output<typeof referenceInputSchema>

const columns = {
  forceCode: forces.code,
  forceName: forces.name,
  effectiveFrom: forceInspectionReferences.effectiveFrom,
  region: forceInspectionReferences.region,
  hmiName: forceInspectionReferences.hmiName,
  hmiHonours: forceInspectionReferences.hmiHonours,
  confirmed: forceInspectionReferences.confirmed,
  sourceNote: forceInspectionReferences.sourceNote,
  updatedByLabel: forceInspectionReferences.updatedByLabel,
  updatedAt: forceInspectionReferences.updatedAt,
}

function selectAll(db: Database | Transaction): Promise<InspectionReference[]> {
  return db
    .select(columns)
    .from(forceInspectionReferences)
    .innerJoin(forces, eq(forceInspectionReferences.forceId, forces.id))
    .orderBy(asc(forces.name), asc(forceInspectionReferences.effectiveFrom))
}

/** Every row of every force, by force name then date. */
export function allReferences(db: Database): Promise<InspectionReference[]> {
  return selectAll(db)
}

/** Every force's row in effect on `day` (the latest that starts on or before it), by force code. */
export async function referencesOn(db: Database, day: string): Promise<Map<string, InspectionReference>> {
  const byForce = new Map<string, InspectionReference>()
  for (const row of await selectAll(db)) if (row.effectiveFrom <= day) byForce.set(row.forceCode, row)
  return byForce
}

/** Every row of one force, oldest first. */
export async function referenceHistory(db: Database, forceCode: string): Promise<InspectionReference[]> {
  return (await selectAll(db)).filter((row) => row.forceCode === forceCode)
}

/** Writes one force's row for its date (a new row, or the one of that date changed), audited. */
export async function saveReference(
  db: Database,
  caller: Caller,
  forceCode: string,
  input: ReferenceInput,
  now: Date,
): Promise<void> {
  requireRole(caller, 'inspectorate-admin')
  await inScope(db, caller.scope, (tx) => writeReference(tx, caller, forceCode, input, now))
}

export async function writeReference(
  tx: Transaction,
  caller: Caller,
  forceCode: string,
  input: ReferenceInput,
  now: Date,
): Promise<void> {
  const [force] = await tx.select({ id: forces.id }).from(forces).where(eq(forces.code, forceCode))
  if (!force) throw new NotFoundError(`No force has the code ${forceCode}`)
  const before = (await selectAll(tx)).find(
    (row) => row.forceCode === forceCode && row.effectiveFrom === input.effectiveFrom,
  )
  const values = {
    region: input.region,
    hmiName: input.hmiName,
    hmiHonours: input.hmiHonours,
    confirmed: input.confirmed,
    sourceNote: input.sourceNote,
    updatedBy: userIdOf(caller),
    updatedByLabel: caller.actor.label,
    updatedAt: now,
  }
  await tx
    .insert(forceInspectionReferences)
    .values({ forceId: force.id, effectiveFrom: input.effectiveFrom, ...values })
    .onConflictDoUpdate({
      target: [forceInspectionReferences.forceId, forceInspectionReferences.effectiveFrom],
      set: values,
    })
  const recorded = (row: Partial<InspectionReference> | ReferenceInput | undefined) =>
    row && {
      effectiveFrom: row.effectiveFrom,
      region: row.region,
      hmiName: row.hmiName,
      hmiHonours: row.hmiHonours,
      confirmed: row.confirmed,
      sourceNote: row.sourceNote,
    }
  await appendAuditEvent(
    tx,
    caller.actor,
    {
      forceId: null,
      entityType: REFERENCE_ENTITY,
      entityId: `${forceCode}@${input.effectiveFrom}`,
      action: before ? 'update' : 'create',
      before: recorded(before),
      after: recorded(input),
    },
    now,
  )
}
