import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Transaction } from '../../db/tenancy.js'
import { ValidationError } from '../../domain/errors.js'
import { optionalDay, optionalText } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import type { RowProblem } from '../../spreadsheets/validate.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  type ChangeRowsImport,
  ForceRegisterImport,
  type PendingChange,
  type PendingImportsService,
} from '../imports/service.js'
import { integrityCaseHeaders } from '../integrity-cases/schema.js'
import { referrals } from './schema.js'
import { REFERRAL_ENTITY, type ReferralRow } from './service.js'

/** The outcomes a row may record; a row with none leaves its referral waiting. */
const OUTCOMES = ['accepted', 'no action'] as const

const WRONG_DATE = 'must be a real date, like 2012-03-31 or 31/3/2012'

/** One row of an import of referrals' outcomes, by its (normalised) column headers. */
export const outcomeImportRowSchema = z.object({
  referral: z.string().trim().max(100, 'must be a referral’s reference').default(''),
  outcome: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.enum(OUTCOMES, `must be empty or one of: ${OUTCOMES.join(', ')}`).optional()),
  answered_on: optionalDay(WRONG_DATE),
  case_reference: z
    .string()
    .trim()
    .toUpperCase()
    .max(50, 'must be a case’s reference, like IC/2012/0007')
    .default(''),
  reason: optionalText('Reason', 5000),
})
type OutcomeRow = z.output<typeof outcomeImportRowSchema>

/**
 * The template's columns, in order. `referred_on`, `type` and `finding` are in the template to say which
 * referral a row is; the import reads `referral` and the four after them.
 */
export const OUTCOME_IMPORT_COLUMNS = [
  'referral',
  'referred_on',
  'type',
  'finding',
  'outcome',
  'answered_on',
  'case_reference',
  'reason',
]

/** An outcome as an import writes it. */
interface PendingOutcome {
  referralId: string
  status: (typeof OUTCOMES)[number]
  caseId: string | null
  caseReference: string | null
  noActionReason: string | null
  respondedOn: string
}

/** What is wrong with a row's outcome beside its referral, each as `column: reason`; [] when nothing. */
function outcomeProblems(
  value: OutcomeRow,
  referral: ReferralRow,
  caseId: string | undefined,
  today: string,
): string[] {
  const reasons: string[] = []
  if (!value.answered_on) reasons.push('answered_on: enter the date the force answered')
  else if (value.answered_on > today) reasons.push('answered_on: must be today or in the past')
  else if (value.answered_on < referral.referredOn)
    reasons.push(`answered_on: must be on or after the referral, ${referral.referredOn}`)
  if (value.outcome === 'accepted') {
    if (!value.case_reference)
      reasons.push('case_reference: enter the reference of the case it was accepted into')
    else if (!caseId)
      reasons.push(`case_reference: no case of your force has the reference ${value.case_reference}`)
    if (value.reason) reasons.push('reason: leave empty for an accepted referral')
  } else {
    if (!value.reason) reasons.push('reason: enter why no action was taken')
    if (value.case_reference) reasons.push('case_reference: leave empty when no action was taken')
  }
  return reasons
}

/** Whether an answered referral already records the row's outcome: sending it again changes nothing. */
function alreadyRecorded(value: OutcomeRow, referral: ReferralRow, caseId: string | undefined): boolean {
  if (referral.status !== value.outcome || referral.respondedOn !== value.answered_on) return false
  return value.outcome === 'accepted' ? referral.caseId === caseId : referral.noActionReason === value.reason
}

async function referralsOf(tx: Transaction, forceId: number, references: string[]) {
  const ids = references.filter((reference) => z.uuid().safeParse(reference).success)
  const rows = ids.length
    ? await tx
        .select()
        .from(referrals)
        .where(and(eq(referrals.forceId, forceId), inArray(referrals.id, ids)))
    : []
  return new Map(rows.map((row) => [row.id, row]))
}

async function casesOf(tx: Transaction, forceId: number, references: string[]) {
  const rows = references.length
    ? await tx
        .select({ id: integrityCaseHeaders.id, reference: integrityCaseHeaders.reference })
        .from(integrityCaseHeaders)
        .where(
          and(eq(integrityCaseHeaders.forceId, forceId), inArray(integrityCaseHeaders.reference, references)),
        )
    : []
  return new Map(rows.map((row) => [row.reference, row.id]))
}

const OUTCOME_IMPORT: ChangeRowsImport<typeof outcomeImportRowSchema, PendingOutcome> = {
  register: 'referral-outcomes',
  entityType: REFERRAL_ENTITY,
  schema: outcomeImportRowSchema,
  requiredColumns: ['referral', 'outcome', 'answered_on', 'case_reference', 'reason'],
  async compare(tx, forceId, rows, today) {
    const found = await referralsOf(
      tx,
      forceId,
      rows.map((row) => row.value.referral.toLowerCase()),
    )
    const cases = await casesOf(tx, forceId, [
      ...new Set(rows.map((row) => row.value.case_reference).filter(Boolean)),
    ])
    const firstLine = new Map<string, number>()
    const problems: RowProblem[] = []
    const changes: PendingChange<PendingOutcome>[] = []
    let unchanged = 0
    for (const { line, value } of rows) {
      const referral = found.get(value.referral.toLowerCase())
      if (!referral) {
        problems.push({
          line,
          reason: value.referral
            ? `referral: no referral to your force has the reference ${value.referral}`
            : 'referral: enter the referral’s reference, as in the template',
        })
        continue
      }
      const earlier = firstLine.get(referral.id)
      if (earlier) {
        problems.push({ line, reason: `referral: line ${earlier} already gives this referral’s outcome` })
        continue
      }
      firstLine.set(referral.id, line)
      if (!value.outcome) {
        if (value.answered_on || value.case_reference || value.reason)
          problems.push({ line, reason: `outcome: enter one of: ${OUTCOMES.join(', ')}` })
        else unchanged++
        continue
      }
      const caseId = cases.get(value.case_reference)
      const reasons = outcomeProblems(value, referral, caseId, today)
      if (!reasons.length && referral.status !== 'awaiting response') {
        if (alreadyRecorded(value, referral, caseId)) unchanged++
        else
          reasons.push(
            `outcome: the referral was already answered (${referral.status}) on ${referral.respondedOn}`,
          )
      }
      if (reasons.length) {
        problems.push({ line, reason: reasons.join('; ') })
        continue
      }
      if (referral.status !== 'awaiting response') continue
      changes.push({
        line,
        action: value.outcome === 'accepted' ? `Accepted into ${value.case_reference}` : 'No action',
        cells: [
          { day: referral.referredOn },
          { text: referral.type },
          { text: referral.finding },
          { day: value.answered_on as string },
          { text: value.reason ?? '' },
        ],
        row: {
          referralId: referral.id,
          status: value.outcome,
          caseId: caseId ?? null,
          caseReference: value.outcome === 'accepted' ? value.case_reference : null,
          noActionReason: value.reason,
          respondedOn: value.answered_on as string,
        },
      })
    }
    return { changes, problems, unchanged }
  },
  async insert(tx, rows, { forceId, recordedBy, now, actor }) {
    for (const row of rows) {
      const [updated] = await tx
        .update(referrals)
        .set({
          status: row.status,
          caseId: row.caseId,
          noActionReason: row.noActionReason,
          respondedBy: recordedBy,
          respondedByLabel: actor.label,
          respondedOn: row.respondedOn,
          updatedAt: now,
        })
        .where(
          and(
            eq(referrals.id, row.referralId),
            eq(referrals.forceId, forceId),
            eq(referrals.status, 'awaiting response'),
          ),
        )
        .returning({ id: referrals.id })
      // Answered on its page since the dry run: the whole import stops, and nothing is written.
      if (!updated)
        throw new ValidationError({
          file: 'A referral in the file was answered since the file was checked: upload it again to see which',
        })
      await appendAuditEvent(
        tx,
        actor,
        {
          forceId,
          entityType: REFERRAL_ENTITY,
          entityId: row.referralId,
          action: row.status === 'accepted' ? 'accept' : 'no-action',
          after:
            row.status === 'accepted'
              ? {
                  status: row.status,
                  caseId: row.caseId,
                  caseReference: row.caseReference,
                  respondedOn: row.respondedOn,
                  imported: true,
                }
              : {
                  status: row.status,
                  noActionReason: row.noActionReason,
                  respondedOn: row.respondedOn,
                  imported: true,
                },
        },
        now,
      )
    }
  },
}

/** Who answers referrals: the force's caseworkers (the service's accept and noAction). */
const ANSWERERS: Role[] = ['force-caseworker']

/** The outcomes of referrals already made to the force, for those who answer them. */
export const referralOutcomesImport = (pendingImports: PendingImportsService) =>
  new ForceRegisterImport(pendingImports, ANSWERERS, OUTCOME_IMPORT)
