import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_CATEGORIES, BUSINESS_INTEREST_STATUSES } from '../../domain/registers.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import type { RowProblem } from '../../spreadsheets/validate.js'
import type { PendingImportsService, RegisterImport } from '../imports/service.js'
import { insertApplications, selectForStaff, selectStaffByNumber } from './queries.js'
import { isIsoDay } from './rules.js'
import type { businessInterests } from './schema.js'

export const IMPORT_REGISTER = 'business-interests'

export const importRowSchema = z
  .object({
    staff_number: z.string().trim().min(1, 'Enter the staff number').max(50, 'Too long'),
    submitted_on: z.string().trim().refine(isIsoDay, 'Enter the date submitted as YYYY-MM-DD'),
    category: z.enum(BUSINESS_INTEREST_CATEGORIES, `Use one of: ${BUSINESS_INTEREST_CATEGORIES.join(', ')}`),
    nature: z.string().trim().min(1, 'Describe the business interest').max(2000, 'Too long'),
    employer: z.string().trim().max(300, 'Too long').optional().default(''),
    hours_per_week: z
      .string()
      .trim()
      .optional()
      .default('')
      .refine(
        (value) =>
          value === '' || (Number.isFinite(Number(value)) && Number(value) >= 0 && Number(value) <= 168),
        'Enter a number of hours from 0 to 168',
      ),
    paid: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['yes', 'no'], 'Enter yes or no')),
    relatives_interests: z.string().trim().max(2000, 'Too long').optional().default(''),
    conflict_declaration: z.string().trim().min(1, 'Enter the conflict declaration').max(2000, 'Too long'),
    status: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(BUSINESS_INTEREST_STATUSES, `Use one of: ${BUSINESS_INTEREST_STATUSES.join(', ')}`)),
    conditions: z.string().trim().max(4000, 'Too long').optional().default(''),
    refusal_reason: z.string().trim().max(4000, 'Too long').optional().default(''),
    decided_on: z.string().trim().optional().default(''),
    review_date: z.string().trim().optional().default(''),
    expiry_date: z.string().trim().optional().default(''),
    withdrawn_on: z.string().trim().optional().default(''),
  })
  .superRefine((row, context) => {
    const day = (field: 'decided_on' | 'review_date' | 'expiry_date' | 'withdrawn_on') => {
      if (row[field] && !isIsoDay(row[field]))
        context.addIssue({ code: 'custom', path: [field], message: 'Enter the date as YYYY-MM-DD' })
    }
    day('decided_on')
    day('review_date')
    day('expiry_date')
    day('withdrawn_on')
    const decided = ['approved', 'approved with conditions', 'refused', 'expired', 'revoked'].includes(
      row.status,
    )
    if (decided && !row.decided_on)
      context.addIssue({
        code: 'custom',
        path: ['decided_on'],
        message: `A ${row.status} application needs the date decided`,
      })
    if (row.status === 'approved with conditions' && !row.conditions)
      context.addIssue({
        code: 'custom',
        path: ['conditions'],
        message: 'Enter the conditions of the approval',
      })
    if (row.status === 'refused' && !row.refusal_reason)
      context.addIssue({ code: 'custom', path: ['refusal_reason'], message: 'Enter the reason for refusing' })
    if (row.status === 'withdrawn' && !row.withdrawn_on)
      context.addIssue({ code: 'custom', path: ['withdrawn_on'], message: 'Enter the date withdrawn' })
    if (row.decided_on && isIsoDay(row.decided_on) && row.decided_on < row.submitted_on)
      context.addIssue({
        code: 'custom',
        path: ['decided_on'],
        message: 'The decision cannot come before the application',
      })
  })
type ImportRow = z.output<typeof importRowSchema>

/** A checked import row, ready to insert: kept between the dry run and the confirmation. */
interface PendingRow {
  line: number
  staffMemberId: string
  staffNumber: string
  values: Omit<typeof businessInterests.$inferInsert, 'forceId' | 'staffMemberId'>
}

export interface ImportPreview {
  importId: string | null
  filename: string
  toCreate: { line: number; staffNumber: string; category: string; submittedOn: string; status: string }[]
  unchanged: { line: number; staffNumber: string; submittedOn: string }[]
  /** The first bad rows, in line order (PROBLEMS_LISTED of them)… */
  problems: RowProblem[]
  /** …out of this many. */
  problemCount: number
}

/** How a confirmed import's rows are written. */
const IMPORT: RegisterImport<PendingRow> = {
  register: IMPORT_REGISTER,
  entityType: 'business-interest',
  insert: (tx, rows, { forceId, recordedBy, now }) =>
    insertApplications(
      tx,
      rows.map((row) => ({
        ...row.values,
        forceId,
        staffMemberId: row.staffMemberId,
        submittedBy: recordedBy,
        createdAt: now,
        updatedAt: now,
      })),
    ),
}

function sameInterestKey(
  staffMemberId: string,
  submittedOn: string,
  category: string,
  nature: string,
): string {
  return [staffMemberId, submittedOn, category, nature.trim().toLowerCase()].join('|')
}

function importValues(row: ImportRow): PendingRow['values'] {
  const text = (value: string) => (value === '' ? null : value)
  return {
    submittedOn: row.submitted_on,
    nature: row.nature,
    category: row.category,
    employer: text(row.employer),
    hoursPerWeek: row.hours_per_week === '' ? null : Number(row.hours_per_week),
    paid: row.paid,
    relativesInterests: text(row.relatives_interests),
    conflictDeclaration: row.conflict_declaration,
    status: row.status,
    conditions: text(row.conditions),
    refusalReason: row.status === 'refused' ? text(row.refusal_reason) : null,
    decidedOn: text(row.decided_on),
    reviewDate: text(row.review_date),
    expiryDate: text(row.expiry_date),
    withdrawnOn: text(row.withdrawn_on),
  }
}

/** An import of a force's historic records: the dry run, then the confirmation. */
export class BusinessInterestsImport {
  constructor(
    private readonly db: Database,
    private readonly pendingImports: PendingImportsService,
  ) {}

  /**
   * The dry run of an import of historic records: every row checked, each bad one reported with its
   * line and reason, and the good ones kept for confirmation only when there are no bad ones.
   */
  async preview(caller: Caller, file: UploadedFile): Promise<ImportPreview> {
    requireRole(caller, 'force-caseworker')
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only a force imports its records')
    const forceId = caller.scope.forceId
    const { valid, problems, rows } = await this.pendingImports.validateUpload(file, {
      register: IMPORT_REGISTER,
      requiredColumns: [],
      schema: importRowSchema,
    })
    if (rows === 0) throw new ValidationError({ file: `${file.filename} has no rows under its header` })
    const { staff, existing } = await inScope(this.db, caller.scope, async (tx) => ({
      staff: await selectStaffByNumber(tx, forceId),
      existing: await selectForStaff(tx, forceId),
    }))
    const known = new Set(
      existing.map((row) => sameInterestKey(row.staffMemberId, row.submittedOn, row.category, row.nature)),
    )
    const seenInFile = new Map<string, number>()
    const preview: ImportPreview = {
      importId: null,
      filename: file.filename,
      toCreate: [],
      unchanged: [],
      problems: [],
      problemCount: 0,
    }
    const pending: PendingRow[] = []
    for (const { line, value } of valid) {
      const member = staff.get(value.staff_number.toLowerCase())
      if (!member) {
        problems.push({
          line,
          reason: `staff_number: no one on the roster has the staff number ${value.staff_number}`,
        })
        continue
      }
      const key = sameInterestKey(member.id, value.submitted_on, value.category, value.nature)
      if (known.has(key)) {
        preview.unchanged.push({ line, staffNumber: member.staffNumber, submittedOn: value.submitted_on })
        continue
      }
      const earlier = seenInFile.get(key)
      if (earlier !== undefined) {
        problems.push({ line, reason: `the same application as line ${earlier}` })
        continue
      }
      seenInFile.set(key, line)
      pending.push({
        line,
        staffMemberId: member.id,
        staffNumber: member.staffNumber,
        values: importValues(value),
      })
      preview.toCreate.push({
        line,
        staffNumber: member.staffNumber,
        category: value.category,
        submittedOn: value.submitted_on,
        status: value.status,
      })
    }
    Object.assign(preview, problems.report())
    if (problems.count === 0 && pending.length > 0)
      preview.importId = await this.pendingImports.save(
        caller,
        forceId,
        IMPORT_REGISTER,
        file.filename,
        pending,
      )
    return preview
  }

  /** Writes a confirmed import: every row or none, in one transaction, with one audit event. */
  async confirm(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    requireRole(caller, 'force-caseworker')
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only a force imports its records')
    return this.pendingImports.confirm(caller, importId, IMPORT)
  }
}
