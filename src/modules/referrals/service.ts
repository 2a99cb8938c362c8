import { and, asc, count, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import type { ReferralStatus } from '../../domain/cases.js'
import { earlierDateProblems } from '../../domain/earlier-date.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { type AuditEvent, type AuditService, appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { IntegrityCasesService } from '../integrity-cases/service.js'
import { recordNotificationEvent } from '../notifications/events.js'
import { acceptSchema, newReferralSchema, noActionSchema } from './fields.js'
import { referrals } from './schema.js'

/** Who reads referrals: the inspectorate (all forces) and the force's caseworkers (their own). */
export const REFERRAL_READERS: Role[] = ['force-caseworker', 'inspector']
export const REFERRAL_ENTITY = 'referral'

export type ReferralRow = typeof referrals.$inferSelect
/** A checked referral, its force found: what `createWithin` writes. */
export type PreparedReferral = Omit<z.infer<typeof newReferralSchema>, 'force'> & {
  force: ForceReference
  /** Why it is dated earlier than the day it is recorded (desk research done in its period), for the audit trail. */
  earlierDateReason?: string | null
}
export interface ReferralView extends ReferralRow {
  force: ForceReference
  /** The case it was accepted into, as far as the caller may know it (reference, status, outcome). */
  case: { id: string; reference: string; status: string; outcome: string | null } | null
}

export interface ReferralFilter {
  forceId?: number
  status?: ReferralStatus
  from?: string
  to?: string
}

export interface ReferralCounts {
  force: ForceReference
  referred: number
  accepted: number
  noAction: number
  awaiting: number
}

function whereOf(filter: ReferralFilter): SQL | undefined {
  const conditions: SQL[] = []
  if (filter.forceId !== undefined) conditions.push(eq(referrals.forceId, filter.forceId))
  if (filter.status) conditions.push(eq(referrals.status, filter.status))
  if (filter.from) conditions.push(gte(referrals.referredOn, filter.from))
  if (filter.to) conditions.push(lte(referrals.referredOn, filter.to))
  return conditions.length ? and(...conditions) : undefined
}

export class ReferralsService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly cases: IntegrityCasesService,
    private readonly audit: AuditService,
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

  /** The force a code names, for the inspectorate's filters and forms; undefined when there is none. */
  async forceByCode(code: string): Promise<ForceReference | undefined> {
    return (await this.forces.references()).find((force) => force.code === code.trim().toLowerCase())
  }

  /** Whether the caller refers findings to forces (the inspectorate) rather than answering them. */
  refers(caller: Caller): boolean {
    return caller.scope.kind === 'inspectorate'
  }

  private async views(caller: Caller, rows: ReferralRow[]): Promise<ReferralView[]> {
    const byId = await this.forces.byId()
    const views: ReferralView[] = []
    for (const row of rows) {
      const header = row.caseId ? await this.cases.headerFor(caller, row.caseId) : null
      views.push({
        ...row,
        force: byId.get(row.forceId) as ForceReference,
        case: header
          ? { id: header.id, reference: header.reference, status: header.status, outcome: header.outcome }
          : null,
      })
    }
    return views
  }

  /** An inspector refers a finding of the inspectorate's research to a force. */
  async create(caller: Caller, input: Record<string, unknown>): Promise<ReferralView> {
    const referral = await this.prepare(caller, input)
    const row = await inScope(this.db, caller.scope, (tx) => this.createWithin(tx, caller, referral))
    const [view] = await this.views(caller, [row])
    return view as ReferralView
  }

  /** Checks who refers and what, before any transaction opens: a bad referral never starts one. */
  async prepare(caller: Caller, input: Record<string, unknown>): Promise<PreparedReferral> {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate')
      throw new ForbiddenError('Only the inspectorate refers findings')
    const values = parseOrThrow(newReferralSchema, input)
    const force = await this.forceByCode(values.force)
    if (!force) throw new ValidationError({ force: 'Select a force from the list' })
    if (values.referredOn > londonToday(this.now()))
      throw new ValidationError({ referredOn: 'The date of the referral must be today or in the past' })
    return { ...values, force }
  }

  /**
   * Writes a prepared referral inside the caller's own transaction, so that another module's work (desk
   * research marking its posts as referred) stands or falls with it.
   */
  async createWithin(tx: Transaction, caller: Caller, values: PreparedReferral): Promise<ReferralRow> {
    const { force } = values
    const now = this.now()
    const [created] = await tx
      .insert(referrals)
      .values({
        forceId: force.id,
        type: values.type,
        finding: values.finding,
        evidenceUrl: values.evidenceUrl,
        evidence: values.evidence,
        referredOn: values.referredOn,
        createdBy: caller.principal?.kind === 'user' ? caller.principal.id : null,
        createdByLabel: caller.actor.label,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
    if (!created) throw new Error('insert returned no row')
    await appendAuditEvent(
      tx,
      caller.actor,
      {
        forceId: force.id,
        entityType: REFERRAL_ENTITY,
        entityId: created.id,
        action: 'refer',
        after: values.earlierDateReason
          ? { ...created, earlierDateReason: values.earlierDateReason }
          : created,
      },
      now,
    )
    await recordNotificationEvent(
      tx,
      {
        forceId: force.id,
        kind: 'referral-received',
        eventKey: created.id,
        audience: 'caseworkers',
        path: `/referrals/${created.id}`,
        details: { type: created.type, referredOn: created.referredOn },
      },
      now,
    )
    return created
  }

  async list(
    caller: Caller,
    filter: ReferralFilter,
    page?: { offset: number; limit: number },
  ): Promise<{ total: number; referrals: ReferralView[] }> {
    requireRole(caller, ...REFERRAL_READERS)
    const where = whereOf({ ...filter, forceId: this.readingForce(caller, filter.forceId) })
    const { total, rows } = await inScope(this.db, caller.scope, async (tx) => {
      const query = tx
        .select()
        .from(referrals)
        .where(where)
        .orderBy(desc(referrals.referredOn), desc(referrals.createdAt), asc(referrals.id))
      if (!page) {
        const all = await query
        return { total: all.length, rows: all }
      }
      const [counted] = await tx.select({ value: count() }).from(referrals).where(where)
      return { total: counted?.value ?? 0, rows: await query.offset(page.offset).limit(page.limit) }
    })
    return { total, referrals: await this.views(caller, rows) }
  }

  /**
   * How many referrals each force had in a period (by day referred), by type and status, from one
   * aggregate query: what an inspection's data returns count. Issue #11 (national scale).
   */
  async countsByForce(
    caller: Caller,
    forceIds: readonly number[],
    period: { from: string; to?: string },
  ): Promise<Map<number, { type: string; status: ReferralStatus; count: number }[]>> {
    requireRole(caller, ...REFERRAL_READERS)
    const forces = forceIds.map((forceId) => this.readingForce(caller, forceId) as number)
    const rows = forces.length
      ? await inScope(this.db, caller.scope, (tx) =>
          tx
            .select({
              forceId: referrals.forceId,
              type: referrals.type,
              status: referrals.status,
              count: count(),
            })
            .from(referrals)
            .where(and(inArray(referrals.forceId, forces), whereOf({ from: period.from, to: period.to })))
            .groupBy(referrals.forceId, referrals.type, referrals.status),
        )
      : []
    const byForce = new Map<number, { type: string; status: ReferralStatus; count: number }[]>(
      forces.map((forceId) => [forceId, []]),
    )
    for (const { forceId, ...row } of rows) byForce.get(forceId)?.push(row)
    return byForce
  }

  async exportRows(caller: Caller, filter: ReferralFilter, format: string): Promise<ReferralView[]> {
    const { referrals: rows } = await this.list(caller, filter)
    await inScope(this.db, caller.scope, (tx) =>
      appendExportEvent(
        tx,
        caller.actor,
        {
          forceId: caller.scope.kind === 'force' ? caller.scope.forceId : null,
          entityType: REFERRAL_ENTITY,
          format,
          rows: rows.length,
          filters: filter,
        },
        this.now(),
      ),
    )
    return rows
  }

  private async visibleRow(tx: Transaction, caller: Caller, referralId: string): Promise<ReferralRow> {
    if (!z.uuid().safeParse(referralId).success) throw new NotFoundError('No such referral')
    const [row] = await tx.select().from(referrals).where(eq(referrals.id, referralId))
    if (!row) throw new NotFoundError('No such referral')
    if (caller.scope.kind === 'force' && row.forceId !== caller.scope.forceId)
      throw new NotFoundError('No such referral')
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate')
      throw new NotFoundError('No such referral')
    return row
  }

  async find(caller: Caller, referralId: string): Promise<ReferralView> {
    requireRole(caller, ...REFERRAL_READERS)
    const row = await inScope(this.db, caller.scope, (tx) => this.visibleRow(tx, caller, referralId))
    const [view] = await this.views(caller, [row])
    return view as ReferralView
  }

  async findWithHistory(
    caller: Caller,
    referralId: string,
  ): Promise<{ referral: ReferralView; history: AuditEvent[] }> {
    const referral = await this.find(caller, referralId)
    return { referral, history: await this.audit.history(caller, REFERRAL_ENTITY, referral.id) }
  }

  private checkAnswerable(caller: Caller, row: ReferralRow) {
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only the force answers its referrals')
    if (row.status !== 'awaiting response')
      throw new ValidationError({ form: 'This referral has already been answered' })
  }

  /**
   * The force accepts a referral into a new case (source: inspectorate referral), in one transaction
   * with the case's opening; the case takes the referral's type and, unless given, its finding. The
   * case is opened today, or on an earlier day with a reason (work begun before it was recorded), never
   * before the referral was made: so it counts in the data return of the period it was opened in.
   */
  async accept(caller: Caller, referralId: string, input: Record<string, unknown>): Promise<ReferralView> {
    requireRole(caller, 'force-caseworker')
    const row = await this.find(caller, referralId)
    this.checkAnswerable(caller, row)
    const today = londonToday(this.now())
    const { openedOn = today, earlierDateReason } = parseOrThrow(acceptSchema, input)
    const problems = earlierDateProblems(
      {
        field: 'openedOn',
        label: 'The date the case was opened',
        reasonField: 'earlierDateReason',
        today,
        earliest: { day: row.referredOn, what: 'the date of the referral' },
      },
      openedOn,
      earlierDateReason,
    )
    if (Object.keys(problems).length) throw new ValidationError(problems)
    const earlier = openedOn < today ? { earlierDateReason } : {}
    const summary = typeof input.summary === 'string' && input.summary.trim() ? input.summary : row.finding
    await this.cases.open(
      caller,
      { ...input, type: row.type, source: 'inspectorate referral', openedOn, summary },
      {
        ...earlier,
        within: async (tx, created) => {
          const now = this.now()
          const [updated] = await tx
            .update(referrals)
            .set({
              status: 'accepted',
              caseId: created.id,
              respondedBy: caller.principal?.kind === 'user' ? caller.principal.id : null,
              respondedByLabel: caller.actor.label,
              respondedOn: today,
              updatedAt: now,
            })
            .where(and(eq(referrals.id, row.id), eq(referrals.status, 'awaiting response')))
            .returning()
          if (!updated) throw new ValidationError({ form: 'This referral has already been answered' })
          await appendAuditEvent(
            tx,
            caller.actor,
            {
              forceId: row.forceId,
              entityType: REFERRAL_ENTITY,
              entityId: row.id,
              action: 'accept',
              after: {
                status: 'accepted',
                caseId: created.id,
                caseReference: created.reference,
                caseOpenedOn: openedOn,
                ...earlier,
              },
            },
            now,
          )
        },
      },
    )
    return this.find(caller, referralId)
  }

  /**
   * The referral that has waited longest for the force's answer, other than `exceptId` (the one just
   * answered), and how many wait: the way on from one answer to the next.
   */
  async nextWaiting(caller: Caller, exceptId: string): Promise<{ next?: ReferralRow; waiting: number }> {
    requireRole(caller, ...REFERRAL_READERS)
    const forceId = this.readingForce(caller)
    const where = and(whereOf({ forceId, status: 'awaiting response' }), sql`${referrals.id} <> ${exceptId}`)
    return inScope(this.db, caller.scope, async (tx) => {
      const [next] = await tx
        .select()
        .from(referrals)
        .where(where)
        .orderBy(asc(referrals.referredOn), asc(referrals.createdAt), asc(referrals.id))
        .limit(1)
      const [counted] = await tx.select({ value: count() }).from(referrals).where(where)
      return { next, waiting: counted?.value ?? 0 }
    })
  }

  /** The force records that it will take no action, and why. */
  async noAction(caller: Caller, referralId: string, input: Record<string, unknown>): Promise<ReferralView> {
    requireRole(caller, 'force-caseworker')
    const { reason } = parseOrThrow(noActionSchema, input)
    const row = await this.find(caller, referralId)
    this.checkAnswerable(caller, row)
    const now = this.now()
    await inScope(this.db, caller.scope, async (tx) => {
      const [updated] = await tx
        .update(referrals)
        .set({
          status: 'no action',
          noActionReason: reason,
          respondedBy: caller.principal?.kind === 'user' ? caller.principal.id : null,
          respondedByLabel: caller.actor.label,
          respondedOn: londonToday(now),
          updatedAt: now,
        })
        .where(and(eq(referrals.id, row.id), eq(referrals.status, 'awaiting response')))
        .returning()
      if (!updated) throw new ValidationError({ form: 'This referral has already been answered' })
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: row.forceId,
          entityType: REFERRAL_ENTITY,
          entityId: row.id,
          action: 'no-action',
          after: { status: 'no action', noActionReason: reason },
        },
        now,
      )
    })
    return this.find(caller, referralId)
  }

  /**
   * The force dashboard's figures: referrals still awaiting the force's response, and of them those about
   * social-media misconduct. One aggregate over the force's referrals.
   */
  async dashboardCounts(
    caller: Caller,
    forceId: number,
  ): Promise<{ awaiting: number; socialMediaAwaiting: number }> {
    requireRole(caller, ...REFERRAL_READERS)
    const force = this.readingForce(caller, forceId) as number
    const [row] = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select({
          awaiting: count(),
          socialMediaAwaiting:
            sql<number>`count(*) filter (where ${referrals.type} = 'social-media misconduct')`.mapWith(
              Number,
            ),
        })
        .from(referrals)
        .where(and(eq(referrals.forceId, force), eq(referrals.status, 'awaiting response'))),
    )
    return { awaiting: row?.awaiting ?? 0, socialMediaAwaiting: row?.socialMediaAwaiting ?? 0 }
  }

  /** Referrals made in a period, and how forces answered them: one row per force that had any. */
  async counts(
    caller: Caller,
    filter: { forceId?: number; from?: string; to?: string },
  ): Promise<ReferralCounts[]> {
    requireRole(caller, ...REFERRAL_READERS)
    const forceId = this.readingForce(caller, filter.forceId)
    const where = whereOf({ forceId, from: filter.from, to: filter.to })
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select({ forceId: referrals.forceId, status: referrals.status, value: count() })
        .from(referrals)
        .where(where)
        .groupBy(referrals.forceId, referrals.status),
    )
    const byId = await this.forces.byId()
    const perForce = new Map<number, ReferralCounts>()
    for (const row of rows) {
      const force = byId.get(row.forceId) as ForceReference
      const counts = perForce.get(row.forceId) ?? {
        force,
        referred: 0,
        accepted: 0,
        noAction: 0,
        awaiting: 0,
      }
      counts.referred += row.value
      if (row.status === 'accepted') counts.accepted += row.value
      else if (row.status === 'no action') counts.noAction += row.value
      else counts.awaiting += row.value
      perForce.set(row.forceId, counts)
    }
    return [...perForce.values()].sort((a, b) => a.force.name.localeCompare(b.force.name))
  }
}
