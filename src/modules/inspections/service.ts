import { and, asc, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { isUniqueViolation } from '../../db/errors.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { dateField, optionalDateField } from '../../domain/date-input.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { optionalText, requiredText } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { orderedFieldErrors } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { FrameworkRow } from '../frameworks/queries.js'
import type { FrameworksService } from '../frameworks/service.js'
import { forceAssessments, inspections } from './schema.js'

export type InspectionRow = typeof inspections.$inferSelect
export const INSPECTION_STATUSES = ['planned', 'open', 'closed'] as const

/** One force in one inspection: what every part of the force's assessment hangs from. */
export interface AssessmentView {
  id: string
  inspection: InspectionRow
  force: ForceReference
  revisits: InspectionRow | null
  framework: FrameworkRow
}

/** Who reads inspections: the inspectorate, and forces' caseworkers and admins (their own part). */
export const INSPECTION_READERS: Role[] = ['inspector', 'force-caseworker']

/** A date that may be left out, stored as null. */
const optionalDay = (label: string) => optionalDateField(label).transform((value) => value ?? null)

/** The new-inspection form's fields, in the order people meet them. */
export const newInspectionSchema = z.object({
  code: requiredText('Enter a short code, like revisit-2012', 'Code', 60).regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'Code may use only lower-case letters, digits and dashes',
  ),
  title: requiredText('Enter a title', 'Title', 200),
  frameworkId: z.uuid('Select the framework'),
  dataFrom: dateField('Start of the data period', 'Enter the start of the data period'),
  dataTo: dateField('End of the data period', 'Enter the end of the data period'),
  censusDate: dateField('Census date', 'Enter the census date'),
  fieldworkFrom: optionalDay('Start of fieldwork'),
  fieldworkTo: optionalDay('End of fieldwork'),
  revisitsId: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value || null)
    .pipe(z.uuid('Select the inspection this one revisits').nullable()),
  status: z.enum(INSPECTION_STATUSES, 'Select a status').default('planned'),
  description: optionalText('Description', 5000),
  /** Force codes; left out, all forces. */
  forces: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])),
})
const FIELD_ORDER = Object.keys(newInspectionSchema.shape)
type NewInspection = z.output<typeof newInspectionSchema>

const DAY_MS = 86_400_000
const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS

const uuidOk = (id: string) => z.uuid().safeParse(id).success

export class InspectionsService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly frameworks: FrameworksService,
    private readonly now: () => Date,
  ) {}

  /** Every inspection, latest census first. */
  async list(caller: Caller): Promise<InspectionRow[]> {
    requireRole(caller, ...INSPECTION_READERS)
    return inScope(this.db, caller.scope, (tx) =>
      tx.select().from(inspections).orderBy(desc(inspections.censusDate), asc(inspections.code)),
    )
  }

  async get(caller: Caller, inspectionId: string): Promise<InspectionRow> {
    requireRole(caller, ...INSPECTION_READERS)
    return inScope(this.db, caller.scope, (tx) => this.selectInspection(tx, inspectionId))
  }

  /** An inspection by its code (the command line and the demo name them so), if there is one. */
  async findByCode(caller: Caller, code: string): Promise<InspectionRow | undefined> {
    requireRole(caller, ...INSPECTION_READERS)
    const [row] = await inScope(this.db, caller.scope, (tx) =>
      tx.select().from(inspections).where(eq(inspections.code, code)),
    )
    return row
  }

  private async selectInspection(tx: Transaction, inspectionId: string): Promise<InspectionRow> {
    if (!uuidOk(inspectionId)) throw new NotFoundError('No such inspection')
    const [row] = await tx.select().from(inspections).where(eq(inspections.id, inspectionId))
    if (!row) throw new NotFoundError('No such inspection')
    return row
  }

  /**
   * Sets up an inspection and puts each force in scope into it (all forces unless some are chosen).
   * The dates must make sense together: the period runs forwards, the census falls in it or soon
   * after, fieldwork runs forwards, and a revisit comes after what it revisits.
   */
  async create(caller: Caller, input: Record<string, unknown>): Promise<InspectionRow> {
    requireRole(caller, 'inspectorate-admin')
    const parsed = newInspectionSchema.safeParse(input)
    // Each field on its own too, so the rules between fields are checked for those that are right.
    const f: Partial<NewInspection> = {}
    for (const [key, schema] of Object.entries(newInspectionSchema.shape)) {
      const one = (schema as z.ZodType).safeParse(input[key])
      if (one.success) (f as Record<string, unknown>)[key] = one.data
    }
    const extra: Record<string, string> = {}
    const allForces = await this.forces.references()
    let scope: ForceReference[] = allForces
    if (f.dataFrom && f.dataTo && f.dataTo < f.dataFrom)
      extra.dataTo = 'End of the data period must be on or after its start'
    if (f.censusDate && f.dataFrom && f.censusDate < f.dataFrom)
      extra.censusDate = 'Census date must be on or after the start of the data period'
    else if (f.censusDate && f.dataTo && daysBetween(f.dataTo, f.censusDate) > 366)
      extra.censusDate = 'Census date must be no more than a year after the end of the data period'
    if (f.fieldworkFrom !== undefined && f.fieldworkTo !== undefined) {
      if ((f.fieldworkFrom === null) !== (f.fieldworkTo === null))
        extra[f.fieldworkFrom ? 'fieldworkTo' : 'fieldworkFrom'] =
          'Give both the start and the end of fieldwork, or neither'
      else if (f.fieldworkFrom && f.fieldworkTo) {
        if (f.fieldworkTo < f.fieldworkFrom)
          extra.fieldworkTo = 'End of fieldwork must be on or after its start'
        else if (f.dataFrom && f.fieldworkFrom < f.dataFrom)
          extra.fieldworkFrom = 'Fieldwork cannot start before the data period'
      }
    }
    if (f.forces) {
      const codes = f.forces
      const unknown = codes.filter((code) => !allForces.some((force) => force.code === code))
      if (unknown.length) extra.forces = `There is no force ${unknown.join(', ')}`
      else if (!codes.length) extra.forces = 'Select at least one force'
      else scope = allForces.filter((force) => codes.includes(force.code))
    }
    const framework = f.frameworkId
      ? (await this.frameworks.byIds(caller, [f.frameworkId])).get(f.frameworkId)
      : undefined
    if (f.frameworkId && !framework) extra.frameworkId = 'Select the framework'
    else if (framework && framework.status !== 'published') extra.frameworkId = 'Select a published framework'
    if (f.revisitsId) {
      const revisitsId = f.revisitsId
      const [revisits] = await inScope(this.db, caller.scope, (tx) =>
        tx.select().from(inspections).where(eq(inspections.id, revisitsId)),
      )
      if (!revisits) extra.revisitsId = 'Select the inspection this one revisits'
      else if (f.censusDate && revisits.censusDate >= f.censusDate)
        extra.revisitsId = 'The inspection revisited must have an earlier census date'
    }
    const errors = orderedFieldErrors(FIELD_ORDER, parsed.success ? [] : parsed.error.issues, extra)
    const fields = parsed.success ? parsed.data : undefined
    if (Object.keys(errors).length || !fields || !framework) throw new ValidationError(errors)
    const { forces: _codes, description: _description, ...values } = fields
    return inScope(this.db, caller.scope, async (tx) => {
      const [row] = await tx
        .insert(inspections)
        .values({ ...values, createdBy: userIdOf(caller), createdAt: this.now(), updatedAt: this.now() })
        .returning()
      if (!row) throw new Error('insert returned no row')
      await tx
        .insert(forceAssessments)
        .values(scope.map((force) => ({ inspectionId: row.id, forceId: force.id, createdAt: this.now() })))
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: 'inspection',
          entityId: row.id,
          action: 'create',
          after: { ...row, forces: scope.map((force) => force.code) },
        },
        this.now(),
      )
      return row
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new ValidationError({ code: 'Another inspection has this code' })
      throw error
    })
  }

  /** Moves an inspection between planned, open and closed. */
  async setStatus(caller: Caller, inspectionId: string, status: string): Promise<InspectionRow> {
    requireRole(caller, 'inspectorate-admin')
    const parsed = z.enum(INSPECTION_STATUSES).safeParse(status)
    if (!parsed.success) throw new ValidationError({ status: 'Select a status' })
    return inScope(this.db, caller.scope, async (tx) => {
      const before = await this.selectInspection(tx, inspectionId)
      const [after] = await tx
        .update(inspections)
        .set({ status: parsed.data, updatedAt: this.now() })
        .where(eq(inspections.id, before.id))
        .returning()
      if (!after) throw new NotFoundError('No such inspection')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: 'inspection',
          entityId: after.id,
          action: 'status',
          before: { status: before.status },
          after: { status: after.status },
        },
        this.now(),
      )
      return after
    })
  }

  /** The forces in an inspection's scope, by force name; a force caller gets only its own. */
  async assessments(caller: Caller, inspectionId: string): Promise<AssessmentView[]> {
    requireRole(caller, ...INSPECTION_READERS)
    const { inspection, revisits, rows } = await inScope(this.db, caller.scope, async (tx) => {
      const inspection = await this.selectInspection(tx, inspectionId)
      const [revisits] = inspection.revisitsId
        ? await tx.select().from(inspections).where(eq(inspections.id, inspection.revisitsId))
        : []
      const rows = await tx
        .select()
        .from(forceAssessments)
        .where(
          caller.scope.kind === 'force'
            ? and(
                eq(forceAssessments.inspectionId, inspection.id),
                eq(forceAssessments.forceId, caller.scope.forceId),
              )
            : eq(forceAssessments.inspectionId, inspection.id),
        )
      return { inspection, revisits: revisits ?? null, rows }
    })
    const framework = (await this.frameworks.byIds(caller, [inspection.frameworkId])).get(
      inspection.frameworkId,
    )
    if (!framework) throw new NotFoundError('No such framework')
    const forces = await this.forces.byId()
    return rows
      .flatMap((row) => {
        const force = forces.get(row.forceId)
        return force ? [{ id: row.id, inspection, force, revisits, framework }] : []
      })
      .sort((a, b) => a.force.name.localeCompare(b.force.name))
  }

  /** One force's part of an inspection; another force's, or a force not in scope, is not found. */
  async assessment(caller: Caller, inspectionId: string, forceCode: string): Promise<AssessmentView> {
    requireRole(caller, ...INSPECTION_READERS)
    const force = (await this.forces.references()).find((f) => f.code === forceCode)
    if (!force) throw new NotFoundError('No such force')
    if (caller.scope.kind === 'force' && caller.scope.forceId !== force.id)
      throw new NotFoundError('No such force')
    const { inspection, revisits, row } = await inScope(this.db, caller.scope, async (tx) => {
      const inspection = await this.selectInspection(tx, inspectionId)
      const [row] = await tx
        .select()
        .from(forceAssessments)
        .where(and(eq(forceAssessments.inspectionId, inspection.id), eq(forceAssessments.forceId, force.id)))
      const [revisits] = inspection.revisitsId
        ? await tx.select().from(inspections).where(eq(inspections.id, inspection.revisitsId))
        : []
      return { inspection, revisits: revisits ?? null, row }
    })
    if (!row) throw new NotFoundError('That force is not in this inspection')
    const framework = (await this.frameworks.byIds(caller, [inspection.frameworkId])).get(
      inspection.frameworkId,
    )
    if (!framework) throw new NotFoundError('No such framework')
    return { id: row.id, inspection, force, revisits, framework }
  }
}
