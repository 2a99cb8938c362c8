import { and, asc, desc, eq, gte, inArray, lte, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { dateField } from '../../domain/date-input.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { acuStaffing } from './schema.js'

/** Who reads unit staffing: the force's caseworkers and admins, and the inspectorate. */
export const STAFFING_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who records it: the force's caseworkers (the unit itself) and admins. */
export const STAFFING_KEEPERS: Role[] = ['force-caseworker']
export const STAFFING_ENTITY = 'acu-staffing'

export type StaffingRow = typeof acuStaffing.$inferSelect
export interface StaffingView extends StaffingRow {
  force: ForceReference
}

/** Full-time equivalents, like 6 or 5.5: `missing` when blank. */
export const fte = (missing: string, label: string) =>
  z.unknown().transform((value, context) => {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
    if (!text) {
      context.addIssue({ code: 'custom', message: missing })
      return z.NEVER
    }
    if (!/^\d{1,5}(\.\d{1,2})?$/.test(text)) {
      context.addIssue({ code: 'custom', message: `Enter ${label} as full-time equivalents, like 6 or 5.5` })
      return z.NEVER
    }
    return Number(text)
  })

/** Whether the posts filled are beyond belief beside the posts funded (a slip of the keyboard). */
export const implausiblyFilled = (figures: { postsFunded: number; postsFilled: number }) =>
  figures.postsFilled > figures.postsFunded * 2 + 50

export const staffingSchema = z.object({
  asOf: dateField('Date of the figures', 'Enter the date the figures are for'),
  postsFunded: fte('Enter the posts funded', 'the posts funded'),
  postsFilled: fte('Enter the posts filled', 'the posts filled'),
  notes: z
    .string()
    .trim()
    .max(2000, 'Notes must be 2000 characters or fewer')
    .optional()
    .nullable()
    .transform((value) => value || null),
})

export interface StaffingChange {
  from: string
  to: string
  /** The latest figures on or before each date; null when there are none by then. */
  before: StaffingRow | null
  after: StaffingRow | null
  fundedChange: number | null
  filledChange: number | null
}

export class AcuStaffingService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly now: () => Date,
  ) {}

  private readingForce(caller: Caller, requested?: number): number | undefined {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId) throw new NotFoundError()
      return caller.scope.forceId
    }
    if (caller.scope.kind === 'inspectorate') return requested
    throw new ForbiddenError()
  }

  keeps(caller: Caller): boolean {
    if (caller.scope.kind !== 'force') return false
    try {
      requireRole(caller, ...STAFFING_KEEPERS)
      return true
    } catch {
      return false
    }
  }

  /**
   * Records the unit's posts funded and filled as at a date. Figures for a date already recorded
   * replace them (a correction), and the audit trail keeps both.
   */
  async record(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<StaffingRow> {
    requireRole(caller, ...STAFFING_KEEPERS)
    let force: number
    if (caller.scope.kind === 'force') {
      if (forceId !== undefined && forceId !== caller.scope.forceId) throw new NotFoundError()
      force = caller.scope.forceId
    } else if (caller.actor.type === 'system' && forceId !== undefined) force = forceId
    else throw new ForbiddenError('Only a force records its own unit’s staffing')
    const values = parseOrThrow(staffingSchema, input)
    if (values.asOf > londonToday(this.now()))
      throw new ValidationError({ asOf: 'Date of the figures must be today or in the past' })
    if (implausiblyFilled(values))
      throw new ValidationError({
        postsFilled: 'The posts filled look wrong: check them against the posts funded',
      })
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const [before] = await tx
        .select()
        .from(acuStaffing)
        .where(and(eq(acuStaffing.forceId, force), eq(acuStaffing.asOf, values.asOf)))
      const [row] = await tx
        .insert(acuStaffing)
        .values({
          ...values,
          forceId: force,
          recordedBy: caller.principal?.kind === 'user' ? caller.principal.id : null,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [acuStaffing.forceId, acuStaffing.asOf],
          set: {
            postsFunded: values.postsFunded,
            postsFilled: values.postsFilled,
            notes: values.notes,
            updatedAt: now,
          },
        })
        .returning()
      if (!row) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: force,
          entityType: STAFFING_ENTITY,
          entityId: row.id,
          action: before ? 'update' : 'create',
          before: before ?? null,
          after: row,
        },
        now,
      )
      return row
    })
  }

  async list(
    caller: Caller,
    filter: { forceId?: number; from?: string; to?: string },
  ): Promise<StaffingView[]> {
    requireRole(caller, ...STAFFING_READERS)
    const forceId = this.readingForce(caller, filter.forceId)
    const conditions: SQL[] = []
    if (forceId !== undefined) conditions.push(eq(acuStaffing.forceId, forceId))
    if (filter.from) conditions.push(gte(acuStaffing.asOf, filter.from))
    if (filter.to) conditions.push(lte(acuStaffing.asOf, filter.to))
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select()
        .from(acuStaffing)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(acuStaffing.forceId, desc(acuStaffing.asOf)),
    )
    const byId = await this.forces.byId()
    return rows.map((row) => ({ ...row, force: byId.get(row.forceId) as ForceReference }))
  }

  async exportRows(
    caller: Caller,
    filter: { forceId?: number; from?: string; to?: string },
    format: string,
  ): Promise<StaffingView[]> {
    const rows = await this.list(caller, filter)
    await inScope(this.db, caller.scope, (tx) =>
      appendExportEvent(
        tx,
        caller.actor,
        {
          forceId: caller.scope.kind === 'force' ? caller.scope.forceId : null,
          entityType: STAFFING_ENTITY,
          format,
          rows: rows.length,
          filters: filter,
        },
        this.now(),
      ),
    )
    return rows
  }

  /** The latest figures on or before `day` (the force dashboard's): one indexed read on (force_id, as_of). */
  async latest(caller: Caller, forceId: number, day: string): Promise<StaffingRow | null> {
    requireRole(caller, ...STAFFING_READERS)
    const force = this.readingForce(caller, forceId) as number
    const [row] = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select()
        .from(acuStaffing)
        .where(and(eq(acuStaffing.forceId, force), lte(acuStaffing.asOf, day)))
        .orderBy(desc(acuStaffing.asOf))
        .limit(1),
    )
    return row ?? null
  }

  /** The change in the unit between two dates, from the latest figures on or before each. */
  async change(caller: Caller, forceId: number, from: string, to: string): Promise<StaffingChange> {
    return (await this.changeByForce(caller, [forceId], from, to)).get(forceId) as StaffingChange
  }

  /** `change` for several forces at once (an inspection's data returns): two queries in all. Issue #11. */
  async changeByForce(
    caller: Caller,
    forceIds: readonly number[],
    from: string,
    to: string,
  ): Promise<Map<number, StaffingChange>> {
    requireRole(caller, ...STAFFING_READERS)
    const forces = forceIds.map((forceId) => this.readingForce(caller, forceId) as number)
    if (from > to) throw new ValidationError({ to: 'The second date must be on or after the first' })
    const { before, after } = forces.length
      ? await inScope(this.db, caller.scope, async (tx) => {
          // Each force's latest figures on or before the day.
          const latest = async (day: string) =>
            new Map(
              (
                await tx
                  .selectDistinctOn([acuStaffing.forceId])
                  .from(acuStaffing)
                  .where(and(inArray(acuStaffing.forceId, forces), lte(acuStaffing.asOf, day)))
                  .orderBy(asc(acuStaffing.forceId), desc(acuStaffing.asOf))
              ).map((row) => [row.forceId, row]),
            )
          const before = await latest(from)
          return { before, after: from === to ? before : await latest(to) }
        })
      : { before: new Map<number, StaffingRow>(), after: new Map<number, StaffingRow>() }
    const round = (value: number) => Math.round(value * 100) / 100
    return new Map(
      forces.map((forceId) => {
        const was = before.get(forceId) ?? null
        const now = after.get(forceId) ?? null
        return [
          forceId,
          {
            from,
            to,
            before: was,
            after: now,
            fundedChange: was && now ? round(now.postsFunded - was.postsFunded) : null,
            filledChange: was && now ? round(now.postsFilled - was.postsFilled) : null,
          },
        ]
      }),
    )
  }
}
