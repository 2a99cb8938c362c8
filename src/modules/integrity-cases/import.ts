import { randomUUID } from 'node:crypto'
import { and, between, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { isUniqueViolation } from '../../db/errors.js'
import type { Transaction } from '../../db/tenancy.js'
import { CASE_OUTCOMES, CASE_SOURCES, CASE_STATUSES, CASE_TYPES } from '../../domain/cases.js'
import { ValidationError } from '../../domain/errors.js'
import { dayField, optionalDay, requiredText } from '../../domain/fields.js'
import type { RowProblem } from '../../spreadsheets/validate.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  type ChangeRowsImport,
  ForceRegisterImport,
  type PendingChange,
  type PendingImportsService,
} from '../imports/service.js'
import { selectByStaffNumbers } from '../roster/queries.js'
import { normaliseStaffNumber } from '../roster/rows.js'
import { type CaseRow, selectLastReference } from './queries.js'
import { integrityCaseAccess, integrityCaseHeaders, integrityCaseSubjects, integrityCases } from './schema.js'
import { audited, CASE_ENTITY, CASE_KEEPERS } from './workflow.js'

const WRONG_DATE = 'must be a real date, like 2011-03-27 or 27/3/2011'

/** A closed list's value as a spreadsheet may write it: any case, surrounding space ignored. */
const choice = <Values extends readonly [string, ...string[]]>(values: Values, message: string) =>
  z.string().trim().toLowerCase().pipe(z.enum(values, message))
const optionalChoice = <Values extends readonly [string, ...string[]]>(values: Values, message: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.enum(values, message).optional())

/** Our own numbering, IC/2011/0042: an imported reference in that form must follow it. */
const NUMBERED = /^IC\/(\d{4})\/\d{4}$/

/** One row of an import of historic cases, by its (normalised) column headers. */
export const caseImportRowSchema = z.object({
  reference: z.string().trim().toUpperCase().max(50, 'must be 50 characters or fewer').default(''),
  type: choice(CASE_TYPES, `must be one of: ${CASE_TYPES.join(', ')}`),
  source: choice(CASE_SOURCES, `must be one of: ${CASE_SOURCES.join(', ')}`),
  opened_on: dayField('enter the date opened', WRONG_DATE),
  summary: requiredText('enter a summary of the case', 'Summary', 5000),
  subjects: z
    .string()
    .trim()
    .max(2000, 'must be 2000 characters or fewer')
    .default('')
    .transform((text) => [
      ...new Set(
        text
          .split(/[;,\s]+/)
          .filter(Boolean)
          .map(normaliseStaffNumber),
      ),
    ]),
  status: optionalChoice(CASE_STATUSES, `must be empty or one of: ${CASE_STATUSES.join(', ')}`),
  outcome: optionalChoice(CASE_OUTCOMES, `must be empty or one of: ${CASE_OUTCOMES.join(', ')}`),
  closed_on: optionalDay(WRONG_DATE),
  target_date: optionalDay(WRONG_DATE),
  confidential: optionalChoice(['yes', 'no'], 'must be empty, yes or no'),
})
type CaseImportRow = z.output<typeof caseImportRowSchema>

/** The template's columns, in order; `reference` and the last six may be left empty. */
export const CASE_IMPORT_COLUMNS = Object.keys(caseImportRowSchema.shape).filter(
  (column) => column !== 'notes',
)

/** A case as an import writes it: its reference (numbered when confirmed if none), subjects by roster id. */
interface PendingCase {
  reference: string | null
  type: CaseRow['type']
  source: CaseRow['source']
  status: CaseRow['status']
  outcome: CaseRow['outcome']
  openedOn: string
  closedOn: string | null
  targetDate: string | null
  confidential: boolean
  summary: string
  subjects: { id: string; staffNumber: string }[]
}

/** Equal for a case without a reference of its own and the case already recorded that it repeats. */
const sameCaseKey = (row: { openedOn: string; type: string; summary: string }) =>
  `${row.openedOn}\u0000${row.type}\u0000${row.summary}`

/** What is wrong with a row besides its schema and subjects, each as `column: reason`. */
function caseProblems(value: CaseImportRow, today: string): string[] {
  const reasons: string[] = []
  const numbered = value.reference.match(NUMBERED)
  if (value.reference.startsWith('IC/') && !numbered)
    reasons.push('reference: must be like IC/2011/0042, or a reference of your own that does not begin IC/')
  else if (numbered && numbered[1] !== value.opened_on.slice(0, 4))
    reasons.push(
      `reference: an IC/ reference carries the year the case was opened, ${value.opened_on.slice(0, 4)}`,
    )
  if (value.opened_on > today) reasons.push('opened_on: must be today or in the past')
  const closed = value.status === 'closed' || !!value.outcome || !!value.closed_on
  if (closed) {
    if (value.status && value.status !== 'closed') reasons.push('status: a case with an outcome is closed')
    if (!value.outcome) reasons.push('outcome: enter the outcome of a closed case')
    if (!value.closed_on) reasons.push('closed_on: enter the date a closed case was closed')
    else if (value.closed_on < value.opened_on) reasons.push('closed_on: must be on or after opened_on')
    else if (value.closed_on > today) reasons.push('closed_on: must be today or in the past')
  }
  if (value.target_date && value.target_date < value.opened_on)
    reasons.push('target_date: must be on or after opened_on')
  return reasons
}

/** The cases already recorded that a file's rows might repeat: by reference, and by day, type and summary. */
async function recordedCases(tx: Transaction, forceId: number, rows: { value: CaseImportRow }[]) {
  const references = [...new Set(rows.map((row) => row.value.reference).filter(Boolean))]
  const byReference = new Map(
    (references.length
      ? await tx
          .select({
            reference: integrityCaseHeaders.reference,
            openedOn: integrityCaseHeaders.openedOn,
            type: integrityCaseHeaders.type,
          })
          .from(integrityCaseHeaders)
          .where(
            and(
              eq(integrityCaseHeaders.forceId, forceId),
              inArray(integrityCaseHeaders.reference, references),
            ),
          )
      : []
    ).map((row) => [row.reference, row]),
  )
  const days = rows.map((row) => row.value.opened_on).sort()
  const keys = new Set(
    days.length
      ? (
          await tx
            .select({
              openedOn: integrityCases.openedOn,
              type: integrityCases.type,
              summary: integrityCases.summary,
            })
            .from(integrityCases)
            .where(
              and(
                eq(integrityCases.forceId, forceId),
                between(integrityCases.openedOn, days[0] as string, days[days.length - 1] as string),
              ),
            )
        ).map(sameCaseKey)
      : [],
  )
  return { byReference, keys }
}

const CASE_IMPORT: ChangeRowsImport<typeof caseImportRowSchema, PendingCase> = {
  register: 'integrity-cases',
  entityType: CASE_ENTITY,
  schema: caseImportRowSchema,
  requiredColumns: ['type', 'source', 'opened_on', 'summary'],
  async compare(tx, forceId, rows, today) {
    const staff = new Map(
      (await selectByStaffNumbers(tx, forceId, [...new Set(rows.flatMap((row) => row.value.subjects))])).map(
        (member) => [member.staffNumber, member],
      ),
    )
    const recorded = await recordedCases(tx, forceId, rows)
    const firstLine = new Map<string, number>()
    const problems: RowProblem[] = []
    const changes: PendingChange<PendingCase>[] = []
    let unchanged = 0
    for (const { line, value } of rows) {
      const reasons = caseProblems(value, today)
      const unknown = value.subjects.filter((number) => !staff.has(number))
      if (unknown.length)
        reasons.push(`subjects: no member of staff with number ${unknown.join(', ')} on the roster`)
      const row: PendingCase = {
        reference: value.reference || null,
        type: value.type,
        source: value.source,
        status: value.outcome ? 'closed' : (value.status ?? 'open'),
        outcome: value.outcome ?? null,
        openedOn: value.opened_on,
        closedOn: value.closed_on ?? null,
        targetDate: value.target_date ?? null,
        confidential: value.confidential === 'yes',
        summary: value.summary,
        subjects: value.subjects.map((number) => ({
          id: staff.get(number)?.id as string,
          staffNumber: number,
        })),
      }
      const key = row.reference ?? sameCaseKey(row)
      const earlier = firstLine.get(key)
      if (earlier)
        reasons.push(`${row.reference ? 'reference' : 'summary'}: line ${earlier} has the same case`)
      else firstLine.set(key, line)
      const existing = row.reference ? recorded.byReference.get(row.reference) : undefined
      if (existing && (existing.openedOn !== row.openedOn || existing.type !== row.type))
        reasons.push(`reference: ${row.reference} is already another case, opened ${existing.openedOn}`)
      if (reasons.length) {
        problems.push({ line, reason: reasons.join('; ') })
        continue
      }
      if (existing || (!row.reference && recorded.keys.has(key))) {
        unchanged++
        continue
      }
      changes.push({
        line,
        action: row.reference ? `Add as ${row.reference}` : 'Add',
        cells: [
          { day: row.openedOn },
          { text: row.type },
          { text: row.subjects.map((subject) => subject.staffNumber).join(', ') },
          { text: row.outcome ? `closed: ${row.outcome}` : row.status },
          { text: row.confidential ? 'Confidential' : row.summary },
        ],
        row,
      })
    }
    return { changes, problems, unchanged }
  },
  async insert(tx, rows, { forceId, recordedBy, now, actor }) {
    const numbered = new Map<string, number>()
    for (const pending of rows) {
      const { subjects, reference, ...values } = pending
      const id = randomUUID()
      const row: CaseRow = {
        ...values,
        id,
        forceId,
        reference: reference ?? (await nextReference(tx, forceId, values.openedOn, numbered)),
        assignedTo: recordedBy,
        openedBy: recordedBy,
        createdAt: now,
        updatedAt: now,
      }
      // No RETURNING: a confidential case is not readable until someone is named on it.
      try {
        await tx.insert(integrityCases).values(row)
      } catch (error) {
        // Recorded by someone else (another import of the same file) since the dry run: nothing is written.
        if (!isUniqueViolation(error)) throw error
        throw new ValidationError({
          file: `Case ${row.reference} was recorded after the file was checked: upload it again to see what is left to import`,
        })
      }
      if (row.confidential && recordedBy)
        await tx.insert(integrityCaseAccess).values({ caseId: id, forceId, userId: recordedBy, addedAt: now })
      if (subjects.length)
        await tx
          .insert(integrityCaseSubjects)
          .values(
            subjects.map((subject) => ({ caseId: id, forceId, staffMemberId: subject.id, addedAt: now })),
          )
      await appendAuditEvent(
        tx,
        actor,
        {
          forceId,
          entityType: CASE_ENTITY,
          entityId: id,
          action: 'import',
          after: audited(row, { subjects: subjects.map((subject) => subject.staffNumber) }),
        },
        now,
      )
    }
  },
}

/** The next IC/year/number for a case opened on `openedOn`, counting those this import has numbered already. */
async function nextReference(
  tx: Transaction,
  forceId: number,
  openedOn: string,
  numbered: Map<string, number>,
): Promise<string> {
  const prefix = `IC/${openedOn.slice(0, 4)}/`
  let last = numbered.get(prefix)
  if (last === undefined) {
    const recorded = await selectLastReference(tx, forceId, prefix)
    last = recorded ? Number(recorded.slice(prefix.length)) : 0
  }
  numbered.set(prefix, last + 1)
  return `${prefix}${String(last + 1).padStart(4, '0')}`
}

/** Historic cases from a spreadsheet, for the force's caseworkers (who open cases). */
export const integrityCasesImport = (pendingImports: PendingImportsService) =>
  new ForceRegisterImport(pendingImports, CASE_KEEPERS, CASE_IMPORT)
