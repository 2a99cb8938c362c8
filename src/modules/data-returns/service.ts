import { and, eq, inArray } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  DATA_RETURN_ITEMS,
  type DataReturnItem,
  type DataReturnKind,
  dataReturnItem,
} from '../../domain/inspections.js'
import type { Role } from '../../domain/roles.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import { listProblems, type RowProblem } from '../../spreadsheets/validate.js'
import { toXlsx } from '../../spreadsheets/write.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { PendingImportsService } from '../imports/service.js'
import {
  buildComparison,
  type ColumnStatistics,
  type ComparisonInput,
  type ComparisonRow,
} from './comparison.js'
import {
  checkStoredValue,
  formatItemValue,
  KIND_HINTS,
  parseItemValue,
  partProblems,
  SUPPLIED_ITEMS,
  writtenItemValue,
} from './rules.js'
import { dataReturnValues } from './schema.js'
import { changesKey, describeChanges, type RecordChange, recordChanges } from './staleness.js'

/** The audit trail's name for a force's data return (one per assessment: the entity id). */
export const DATA_RETURN_ENTITY = 'data-return'
/** The name under which template uploads wait in the pending imports. */
export const DATA_RETURN_REGISTER = 'data-return'

/** Who reads a return: the force's caseworkers and administrators (their own), and the inspectorate. */
export const RETURN_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who recalculates it from the records: the same people. */
export const RETURN_CALCULATORS: Role[] = ['force-caseworker', 'inspector']
/** Who supplies values (form or template): the force's caseworkers and administrators. */
export const RETURN_SUPPLIERS: Role[] = ['force-caseworker']
/**
 * Who overrides a value, with a reason: the force's administrator (who signs the return off) for their
 * own force, and inspectors (after checking the figures in fieldwork). Caseworkers may not.
 */
export const RETURN_OVERRIDERS: Role[] = ['force-admin', 'inspector']

type ValueRow = typeof dataReturnValues.$inferSelect

/** What the service needs of an inspection (the InspectionsService's AssessmentView, structurally). */
export interface AssessmentFacts {
  id: string
  inspection: {
    id: string
    code: string
    title: string
    dataFrom: string
    dataTo: string
    censusDate: string
    fieldworkFrom: string | null
    fieldworkTo: string | null
    status: string
  }
  force: ForceReference
  revisits: { id: string; code: string; title: string; censusDate: string } | null
}

/** What the service needs of the InspectionsService. */
export interface AssessmentDirectory {
  get(caller: Caller, inspectionId: string): Promise<AssessmentFacts['inspection']>
  assessments(caller: Caller, inspectionId: string): Promise<AssessmentFacts[]>
  assessment(caller: Caller, inspectionId: string, forceCode: string): Promise<AssessmentFacts>
}

/**
 * The records the computed items are counted from, through each module's own service: each counts for
 * several forces at once (one query per item for a whole inspection; a single force's return asks for one).
 */
export interface RecordSources {
  businessInterests: {
    countsByForce(
      caller: Caller,
      forceIds: readonly number[],
      period: { from: string; to: string },
    ): Promise<
      Map<
        number,
        { applications: number; approved: number; refused: number; pending: number; withdrawn: number }
      >
    >
  }
  integrityCases: {
    countsByForce(
      caller: Caller,
      forceIds: readonly number[],
      period: { from: string; to: string; census?: string },
    ): Promise<
      Map<number, { openedByType: Record<string, number>; continuingByType: Record<string, number> }>
    >
  }
  referrals: {
    countsByForce(
      caller: Caller,
      forceIds: readonly number[],
      period: { from: string; to: string },
    ): Promise<Map<number, { type: string; status: string; count: number }[]>>
  }
  acuStaffing: {
    changeByForce(
      caller: Caller,
      forceIds: readonly number[],
      from: string,
      to: string,
    ): Promise<
      Map<
        number,
        {
          before: { asOf: string; postsFilled: number; postsFunded: number } | null
          after: { asOf: string; postsFilled: number; postsFunded: number } | null
          filledChange: number | null
        }
      >
    >
  }
  roster: {
    countServingByForce(
      caller: Caller,
      forceIds: readonly number[],
      day: string,
    ): Promise<Map<number, number>>
  }
  policies?: {
    awarenessByForce(
      caller: Caller,
      forceIds: readonly number[],
      census: string,
    ): Promise<
      Map<
        number,
        {
          area: string
          areaName: string
          version: number | null
          applicable: number
          acknowledged: number
          rate: number | null
        }[]
      >
    >
  }
}

export const MEDIA_DISCLOSURE = 'inappropriate disclosure to the media'
export const SOCIAL_MEDIA = 'social-media misconduct'

/** A computed value and the counts behind it. */
export interface ComputedValue {
  value: number | null
  detail: Record<string, unknown>
}

export type ValueSource = 'computed' | 'supplied' | 'overridden'

/** One item of a force's return as pages and the API show it. */
export interface ReturnItemView {
  code: string
  label: string
  definition: string
  kind: DataReturnKind
  hint: string
  /** Whether Probity computes the item from the force's records. */
  computable: boolean
  /** The value as it stands: the override, else the computed or supplied value; null when none. */
  value: number | null
  display: string
  /** Where the standing value came from; null while the item has no value. */
  source: ValueSource | null
  /** How the value underneath the override came: computed or supplied. */
  baseSource: 'computed' | 'supplied' | null
  baseValue: number | null
  baseDisplay: string
  detail: Record<string, unknown> | null
  recordedAt: Date | null
  override: { value: number; display: string; reason: string; at: Date | null } | null
}

export interface DataReturnView {
  assessment: AssessmentFacts
  items: ReturnItemView[]
  /** When any item was last computed or supplied. */
  updatedAt: Date | null
  /** The computed items whose records now give another figure than the one stored (none: up to date). */
  changes: RecordChange[]
  /** The acknowledgement of exactly these changes, when someone recorded one. */
  acknowledgement: { by: string; at: string; reason: string } | null
}

/** The audit trail's action for acknowledging that a return's records changed since it was computed. */
export const ACKNOWLEDGE_CHANGES = 'acknowledge-changes'

export interface UploadPreview {
  filename: string
  items: {
    line: number
    code: string
    label: string
    value: number | null
    display: string
    status: 'to supply' | 'unchanged' | 'left blank'
  }[]
  /** The first bad rows, in line order (PROBLEMS_LISTED of them)… */
  problems: RowProblem[]
  /** …out of this many. */
  problemCount: number
  importId: string | null
}

interface PendingValue {
  assessmentId: string
  item: string
  value: number
}

export interface ComparisonView {
  inspection: AssessmentFacts['inspection']
  rows: ComparisonRow[]
  statistics: ColumnStatistics[]
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places

function standing(row: ValueRow | undefined): number | null {
  if (!row) return null
  return row.overrideValue ?? row.value ?? null
}

function toView(item: DataReturnItem, row: ValueRow | undefined): ReturnItemView {
  const overridden = row?.overrideValue !== null && row?.overrideValue !== undefined
  const value = standing(row)
  return {
    code: item.code,
    label: item.label,
    definition: item.definition,
    kind: item.kind,
    hint: KIND_HINTS[item.kind],
    computable: item.computed,
    value,
    display: row ? formatItemValue(item.kind, value) : 'No value yet',
    source: !row ? null : overridden ? 'overridden' : row.source,
    baseSource: row?.source ?? null,
    baseValue: row?.value ?? null,
    baseDisplay: row ? formatItemValue(item.kind, row.value ?? null) : '',
    detail: row?.detail ?? null,
    recordedAt: row?.recordedAt ?? null,
    override:
      row && overridden
        ? {
            value: row.overrideValue as number,
            display: formatItemValue(item.kind, row.overrideValue as number),
            reason: row.overrideReason ?? '',
            at: row.overriddenAt,
          }
        : null,
  }
}

/** What the audit trail keeps of one item's row. */
function audited(row: ValueRow | undefined) {
  if (!row) return null
  return {
    item: row.item,
    source: row.source,
    value: row.value,
    overrideValue: row.overrideValue,
    overrideReason: row.overrideReason,
  }
}

/** The columns of an override on an item's row. */
type OverrideColumns = Pick<
  typeof dataReturnValues.$inferInsert,
  'overrideValue' | 'overrideReason' | 'overriddenBy' | 'overriddenAt'
>

/** An item with no override. */
const NO_OVERRIDE: OverrideColumns = {
  overrideValue: null,
  overrideReason: null,
  overriddenBy: null,
  overriddenAt: null,
}

/** Stores an item's value in the force's return: a new row, or the columns given replacing the row's. */
async function writeValue(
  tx: Transaction,
  assessment: AssessmentFacts,
  code: string,
  written: Omit<typeof dataReturnValues.$inferInsert, 'id' | 'assessmentId' | 'forceId' | 'item'>,
): Promise<void> {
  await tx
    .insert(dataReturnValues)
    .values({ assessmentId: assessment.id, forceId: assessment.force.id, item: code, ...written })
    .onConflictDoUpdate({ target: [dataReturnValues.assessmentId, dataReturnValues.item], set: written })
}

/** Records an event in the audit trail of the force's return (the assessment is the entity). */
async function auditReturn(
  tx: Transaction,
  caller: Caller,
  assessment: AssessmentFacts,
  now: Date,
  event: { action: string; before: unknown; after: unknown },
): Promise<void> {
  await appendAuditEvent(
    tx,
    caller.actor,
    { forceId: assessment.force.id, entityType: DATA_RETURN_ENTITY, entityId: assessment.id, ...event },
    now,
  )
}

function requireItem(code: unknown, field = 'item'): DataReturnItem {
  const item = typeof code === 'string' ? dataReturnItem(code) : undefined
  if (!item) throw new ValidationError({ [field]: 'Select an item of the data return' })
  return item
}

function reasonOf(input: Record<string, unknown>, message: string): string {
  const reason = typeof input.reason === 'string' ? input.reason.trim() : ''
  if (!reason) throw new ValidationError({ reason: message })
  if (reason.length > 2000)
    throw new ValidationError({ reason: 'The reason must be 2,000 characters or fewer' })
  return reason
}

/**
 * Each force's data return in an inspection: computed from the force's own records through the other
 * modules' services, supplied by the force (form or template) where Probity cannot compute it, and
 * overridden only with a reason, the value underneath kept beside the override. The national comparison
 * reads every force's values as they stand.
 */
export class DataReturnsService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly inspections: AssessmentDirectory,
    private readonly sources: RecordSources,
    private readonly pendingImports: PendingImportsService,
    private readonly audit: AuditService,
    private readonly now: () => Date,
  ) {}

  private async rows(
    caller: Caller,
    assessment: AssessmentFacts,
    tx?: Transaction,
  ): Promise<Map<string, ValueRow>> {
    const read = (t: Transaction) =>
      t
        .select()
        .from(dataReturnValues)
        .where(
          and(
            eq(dataReturnValues.assessmentId, assessment.id),
            eq(dataReturnValues.forceId, assessment.force.id),
          ),
        )
    const rows = tx ? await read(tx) : await inScope(this.db, caller.scope, read)
    return new Map(rows.map((row) => [row.item, row]))
  }

  /**
   * The force's part of the inspection, checked again here: a force's people reach only their own (another
   * force's → not found), and only the inspectorate and forces read returns at all.
   */
  private async assessment(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<AssessmentFacts> {
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const assessment = await this.inspections.assessment(caller, inspectionId, forceCode)
    if (caller.scope.kind === 'force' && assessment.force.id !== caller.scope.forceId)
      throw new NotFoundError()
    return assessment
  }

  /**
   * A force's return: every item with its value, where it came from, and any override with its reason;
   * and, computed from the records now, each computed item whose stored value they no longer give.
   */
  async get(caller: Caller, inspectionId: string, forceCode: string): Promise<DataReturnView> {
    requireRole(caller, ...RETURN_READERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const rows = await this.rows(caller, assessment)
    const times = [...rows.values()].map((row) => row.recordedAt.getTime())
    const { changes, acknowledgement } = await this.freshness(caller, assessment, rows)
    return {
      assessment,
      items: DATA_RETURN_ITEMS.map((item) => toView(item, rows.get(item.code))),
      updatedAt: times.length ? new Date(Math.max(...times)) : null,
      changes,
      acknowledgement,
    }
  }

  /** The stored return against the records now, and the acknowledgement of exactly those changes, if any. */
  private async freshness(caller: Caller, assessment: AssessmentFacts, rows: Map<string, ValueRow>) {
    const changes = recordChanges(rows, await this.computeFor(caller, assessment))
    if (!changes.length) return { changes, acknowledgement: null }
    const key = changesKey(changes)
    const events = await this.audit.history(caller, DATA_RETURN_ENTITY, assessment.id)
    const event = events
      .filter((candidate) => candidate.action === ACKNOWLEDGE_CHANGES)
      .findLast((candidate) => (candidate.after as { key?: string } | null)?.key === key)
    return {
      changes,
      acknowledgement: event
        ? {
            by: event.actorLabel,
            at: event.occurredAt,
            reason: String((event.after as { reason?: string }).reason ?? ''),
          }
        : null,
    }
  }

  /**
   * Why a force's documents may not be approved or published from its return now: its records changed
   * since it was computed and no one acknowledged exactly those changes. Null when nothing stands in the way.
   */
  async unacknowledgedChanges(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<string | null> {
    const { changes, acknowledgement } = await this.get(caller, inspectionId, forceCode)
    if (!changes.length || acknowledgement) return null
    return `the data return's records changed since it was computed (${describeChanges(changes)}): recalculate the return and generate the documents again, or acknowledge the changes on the return`
  }

  /**
   * Records, with a reason, that the return's records changed since it was computed and that it stands
   * as it is for now (e.g. a late case to be counted at the next revisit). It holds for exactly the
   * changes listed; any further change needs recalculating or acknowledging again. Audited.
   */
  async acknowledgeChanges(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<RecordChange[]> {
    requireRole(caller, ...RETURN_OVERRIDERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const reason = reasonOf(input, 'Enter why the return may stand although its records changed')
    const { changes } = await this.freshness(caller, assessment, await this.rows(caller, assessment))
    if (!changes.length)
      throw new ValidationError({
        reason: 'The return agrees with its records: there is nothing to acknowledge',
      })
    const now = this.now()
    await inScope(this.db, caller.scope, (tx) =>
      auditReturn(tx, caller, assessment, now, {
        action: ACKNOWLEDGE_CHANGES,
        before: null,
        after: {
          key: changesKey(changes),
          reason,
          changes: changes.map(({ code, stored, current }) => ({ code, stored, current })),
        },
      }),
    )
    return changes
  }

  /** The values as they stand, by item code (null where there is none): what publications quote. */
  async values(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<Record<string, number | null>> {
    requireRole(caller, ...RETURN_READERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return (await this.valuesFor(caller, [assessment])).get(assessment.id) as Record<string, number | null>
  }

  /**
   * `values` for several forces' parts of an inspection at once, by assessment id, from one query: every
   * item's value as it stands (the override, else the computed or supplied value; null where none).
   */
  async valuesFor(
    caller: Caller,
    assessments: readonly AssessmentFacts[],
  ): Promise<Map<string, Record<string, number | null>>> {
    requireRole(caller, ...RETURN_READERS)
    const { scope } = caller
    if (scope.kind !== 'force' && scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (scope.kind === 'force' && assessments.some((assessment) => assessment.force.id !== scope.forceId))
      throw new NotFoundError()
    const ids = assessments.map((assessment) => assessment.id)
    const rows = ids.length
      ? await inScope(this.db, caller.scope, (tx) =>
          tx.select().from(dataReturnValues).where(inArray(dataReturnValues.assessmentId, ids)),
        )
      : []
    const values = new Map<string, Record<string, number | null>>()
    for (const assessment of assessments) {
      const mine = new Map(
        rows
          .filter((row) => row.assessmentId === assessment.id && row.forceId === assessment.force.id)
          .map((row) => [row.item, row]),
      )
      values.set(
        assessment.id,
        Object.fromEntries(DATA_RETURN_ITEMS.map((item) => [item.code, standing(mine.get(item.code))])),
      )
    }
    return values
  }

  /** The return's history in the audit trail, oldest first. */
  async history(caller: Caller, inspectionId: string, forceCode: string): Promise<AuditEvent[]> {
    requireRole(caller, ...RETURN_READERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return this.audit.history(caller, DATA_RETURN_ENTITY, assessment.id)
  }

  /** Whether the caller may do each thing on a force's return, for the page's buttons. */
  abilities(caller: Caller) {
    const has = (roles: Role[]) => callerHas(caller, roles)
    return {
      recalculate: has(RETURN_CALCULATORS),
      override: has(RETURN_OVERRIDERS),
      acknowledge: has(RETURN_OVERRIDERS),
      supply: caller.scope.kind === 'force' && has(RETURN_SUPPLIERS),
    }
  }

  /**
   * Computes every computed item from the force's own records, without storing anything: the counts for
   * the data period, the census date and, for the unit's staffing, the census date of the inspection
   * this one revisits.
   */
  async computeFor(caller: Caller, assessment: AssessmentFacts): Promise<Record<string, ComputedValue>> {
    return (await this.computeForAll(caller, [assessment])).get(assessment.id) as Record<
      string,
      ComputedValue
    >
  }

  /**
   * `computeFor` for several forces' parts of ONE inspection at once, by assessment id: each source is
   * asked once for all of them (one query per item, grouped by force), so a whole inspection's returns
   * take a fixed number of queries however many forces are in scope.
   */
  async computeForAll(
    caller: Caller,
    assessments: readonly AssessmentFacts[],
  ): Promise<Map<string, Record<string, ComputedValue>>> {
    const first = assessments[0]
    if (!first) return new Map()
    if (assessments.some((assessment) => assessment.inspection.id !== first.inspection.id))
      throw new Error('computeForAll computes the returns of one inspection at a time')
    const { inspection, revisits } = first
    const forceIds = assessments.map((assessment) => assessment.force.id)
    const period = { from: inspection.dataFrom, to: inspection.dataTo }
    const census = inspection.censusDate
    const referralsTo = inspection.fieldworkTo ?? census
    const revisited = revisits && revisits.censusDate <= census ? revisits : null

    // One after another: an embedded database has a single connection for transactions.
    const interestsOf = await this.sources.businessInterests.countsByForce(caller, forceIds, period)
    const casesOf = await this.sources.integrityCases.countsByForce(caller, forceIds, { ...period, census })
    const referralsOf = await this.sources.referrals.countsByForce(caller, forceIds, {
      from: inspection.dataFrom,
      to: referralsTo,
    })
    const atCensusOf = await this.sources.acuStaffing.changeByForce(caller, forceIds, census, census)
    const changeOf = revisited
      ? await this.sources.acuStaffing.changeByForce(caller, forceIds, revisited.censusDate, census)
      : null
    const workforceOf = await this.sources.roster.countServingByForce(caller, forceIds, census)
    const awarenessOf = this.sources.policies
      ? await this.sources.policies.awarenessByForce(caller, forceIds, census)
      : null

    const returns = new Map<string, Record<string, ComputedValue>>()
    for (const { id, force } of assessments) {
      const computed: Record<string, ComputedValue> = {}
      const interests = interestsOf.get(force.id) as NonNullable<ReturnType<typeof interestsOf.get>>
      const interestDetail = {
        ...period,
        applications: interests.applications,
        approved: interests.approved,
        refused: interests.refused,
        pending: interests.pending,
        withdrawn: interests.withdrawn,
      }
      computed['second-job-applications'] = { value: interests.applications, detail: interestDetail }
      computed['second-job-approvals'] = { value: interests.approved, detail: interestDetail }

      const cases = casesOf.get(force.id) as NonNullable<ReturnType<typeof casesOf.get>>
      const opened = cases.openedByType[MEDIA_DISCLOSURE] ?? 0
      const continuing = cases.continuingByType[MEDIA_DISCLOSURE] ?? 0
      const caseDetail = {
        ...period,
        census,
        type: MEDIA_DISCLOSURE,
        opened,
        continuing,
        closed: opened - continuing,
      }
      computed['media-disclosure-investigations'] = { value: opened, detail: caseDetail }
      computed['media-disclosure-continuing'] = { value: continuing, detail: caseDetail }

      const social = (referralsOf.get(force.id) ?? []).filter((row) => row.type === SOCIAL_MEDIA)
      const referred = (status?: string) =>
        social.filter((row) => !status || row.status === status).reduce((sum, row) => sum + row.count, 0)
      computed['social-media-referrals'] = {
        value: referred(),
        detail: {
          from: inspection.dataFrom,
          to: referralsTo,
          type: SOCIAL_MEDIA,
          referred: referred(),
          accepted: referred('accepted'),
          noAction: referred('no action'),
          awaiting: referred('awaiting response'),
        },
      }

      const atCensus = atCensusOf.get(force.id) as NonNullable<ReturnType<typeof atCensusOf.get>>
      computed['acu-posts-filled'] = {
        value: atCensus.after ? round(atCensus.after.postsFilled, 2) : null,
        detail: {
          census,
          figuresOf: atCensus.after?.asOf ?? null,
          postsFilled: atCensus.after?.postsFilled ?? null,
          postsFunded: atCensus.after?.postsFunded ?? null,
        },
      }
      const change = changeOf?.get(force.id)
      if (revisited && change) {
        computed['acu-staff-change'] = {
          value: change.filledChange === null ? null : round(change.filledChange, 2),
          detail: {
            from: revisited.censusDate,
            to: census,
            revisits: revisited.code,
            before: change.before
              ? { asOf: change.before.asOf, postsFilled: change.before.postsFilled }
              : null,
            after: change.after ? { asOf: change.after.asOf, postsFilled: change.after.postsFilled } : null,
          },
        }
      } else
        computed['acu-staff-change'] = {
          value: null,
          detail: {
            census,
            reason: 'This inspection revisits no earlier one, so there is no change to measure',
          },
        }

      const workforce = workforceOf.get(force.id) ?? 0
      computed.workforce = {
        value: workforce > 0 ? workforce : null,
        detail: {
          census,
          serving: workforce,
          ...(workforce ? {} : { reason: 'No one on the roster at the census date' }),
        },
      }

      const awareness = awarenessOf?.get(force.id) ?? []
      for (const item of DATA_RETURN_ITEMS) {
        if (!item.code.startsWith('policy-awareness-')) continue
        const area = awareness.find((entry) => `policy-awareness-${entry.area}` === item.code)
        computed[item.code] = {
          value: area?.rate === null || area?.rate === undefined ? null : round(area.rate, 4),
          detail: {
            census,
            version: area?.version ?? null,
            asked: area?.applicable ?? 0,
            acknowledged: area?.acknowledged ?? 0,
            ...(area?.version ? {} : { reason: 'No version of the policy was published by the census date' }),
          },
        }
      }
      returns.set(id, computed)
    }
    return returns
  }

  /**
   * Every force's return in the inspection's scope (the caller's own force only, for a force), computed
   * from the records without storing anything, by force code: the batch `compute`.
   */
  async computeAll(
    caller: Caller,
    inspectionId: string,
  ): Promise<Map<string, Record<string, ComputedValue>>> {
    requireRole(caller, ...RETURN_CALCULATORS)
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const assessments = await this.inspections.assessments(caller, inspectionId)
    const computed = await this.computeForAll(caller, assessments)
    return new Map(
      assessments.map((assessment) => [
        assessment.force.code,
        computed.get(assessment.id) as Record<string, ComputedValue>,
      ]),
    )
  }

  /** Computes the force's return from its records, without storing it. */
  async compute(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<Record<string, ComputedValue>> {
    requireRole(caller, ...RETURN_CALCULATORS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return this.computeFor(caller, assessment)
  }

  /**
   * "Recalculate from records": computes every computed item and stores it beside any override, audited
   * as one event with the values before and after. An item the force supplied is left as supplied.
   */
  async refresh(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<{ changed: string[]; skipped: string[] }> {
    requireRole(caller, ...RETURN_CALCULATORS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const computed = await this.computeFor(caller, assessment)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const current = await this.rows(caller, assessment, tx)
      const skipped = Object.keys(computed).filter((code) => current.get(code)?.source === 'supplied')
      const after: Record<string, number | null> = {}
      for (const item of DATA_RETURN_ITEMS) {
        const row = current.get(item.code)
        const fresh = computed[item.code]
        after[item.code] =
          row?.overrideValue ?? (fresh && row?.source !== 'supplied' ? fresh.value : (row?.value ?? null))
      }
      const problems = partProblems(after)
      if (problems.length)
        throw new ValidationError({
          [problems[0]?.part as string]:
            `${problems.map((problem) => problem.reason).join('; ')}: change or remove the override first`,
        })
      const changed: string[] = []
      const before: Record<string, unknown> = {}
      const written: Record<string, unknown> = {}
      for (const [code, { value, detail }] of Object.entries(computed)) {
        if (skipped.includes(code)) continue
        const row = current.get(code)
        if (!row || row.value !== value) {
          changed.push(code)
          before[code] = row?.value ?? null
          written[code] = value
        }
        await writeValue(tx, assessment, code, {
          source: 'computed',
          value,
          detail,
          recordedBy: userIdOf(caller),
          recordedAt: now,
        })
      }
      await auditReturn(tx, caller, assessment, now, {
        action: 'recalculate',
        before,
        after: { inspection: assessment.inspection.code, changed: written, skipped },
      })
      return { changed, skipped }
    })
  }

  /**
   * Overrides an item's value with a reason. The computed or supplied value stays beside it; a part may
   * never exceed its whole. A force's administrator overrides their own force's; an inspector any force's.
   */
  async override(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<ReturnItemView> {
    requireRole(caller, ...RETURN_OVERRIDERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const item = requireItem(input.item)
    const errors: Record<string, string> = {}
    const written = typeof input.value === 'number' ? writtenItemValue(item.kind, input.value) : input.value
    const parsed =
      typeof input.value === 'number' && item.kind === 'rate'
        ? // The API takes a rate as a share from 0 to 1, as it returns it.
          checkStoredValue(item.kind, input.value)
          ? { ok: false as const, reason: 'Enter the rate as a share from 0 to 1' }
          : { ok: true as const, value: input.value }
        : parseItemValue(item.kind, typeof written === 'string' ? written : '')
    if (!parsed.ok) errors.value = parsed.reason
    const reason = typeof input.reason === 'string' ? input.reason.trim() : ''
    if (!reason) errors.reason = 'Enter the reason for overriding the value'
    else if (reason.length > 2000) errors.reason = 'The reason must be 2,000 characters or fewer'
    if (Object.keys(errors).length || !parsed.ok) throw new ValidationError(errors)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const current = await this.rows(caller, assessment, tx)
      const row = current.get(item.code)
      if (!row)
        throw new ValidationError({
          value:
            'This item has no value to override yet: recalculate the return from the records, or supply it',
        })
      this.checkParts(current, { [item.code]: parsed.value }, 'value')
      return this.writeOverride(tx, caller, assessment, item, row, now, {
        action: row.overrideValue === null ? 'override' : 'change-override',
        override: {
          overrideValue: parsed.value,
          overrideReason: reason,
          overriddenBy: userIdOf(caller),
          overriddenAt: now,
        },
      })
    })
  }

  /** Removes an override, with a reason: the computed or supplied value stands again. */
  async removeOverride(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<ReturnItemView> {
    requireRole(caller, ...RETURN_OVERRIDERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const item = requireItem(input.item)
    const reason = reasonOf(input, 'Enter the reason for removing the override')
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const current = await this.rows(caller, assessment, tx)
      const row = current.get(item.code)
      if (!row || row.overrideValue === null)
        throw new ValidationError({ item: 'This item is not overridden' })
      this.checkParts(current, { [item.code]: row.value ?? null }, 'reason')
      return this.writeOverride(tx, caller, assessment, item, row, now, {
        action: 'remove-override',
        override: NO_OVERRIDE,
        noted: { reason },
      })
    })
  }

  /**
   * Writes an item's override columns (`NO_OVERRIDE` clears them) and audits the row before and after,
   * with anything `noted` beside the after: the item as it then stands.
   */
  private async writeOverride(
    tx: Transaction,
    caller: Caller,
    assessment: AssessmentFacts,
    item: DataReturnItem,
    row: ValueRow,
    now: Date,
    change: { action: string; override: OverrideColumns; noted?: Record<string, unknown> },
  ): Promise<ReturnItemView> {
    const [updated] = await tx
      .update(dataReturnValues)
      .set(change.override)
      .where(eq(dataReturnValues.id, row.id))
      .returning()
    await auditReturn(tx, caller, assessment, now, {
      action: change.action,
      before: audited(row),
      after: change.noted ? { ...audited(updated), ...change.noted } : audited(updated),
    })
    return toView(item, updated)
  }

  /**
   * Refuses a change that would leave a part above its whole: `changes` are the values that would stand
   * (after any override), the reason goes under `field` (or the part's code).
   */
  private checkParts(current: Map<string, ValueRow>, changes: Record<string, number | null>, field?: string) {
    const after: Record<string, number | null> = {}
    for (const item of DATA_RETURN_ITEMS) after[item.code] = standing(current.get(item.code))
    Object.assign(after, changes)
    const problems = partProblems(after)
    if (problems.length)
      throw new ValidationError({
        [field ?? (problems[0]?.part as string)]: problems.map((problem) => problem.reason).join('; '),
      })
  }

  /**
   * Stores values the force supplies (form or confirmed template), in one transaction, audited. An item
   * that holds a value computed from the records is not replaced this way: that takes an override.
   */
  private async storeSupplied(
    tx: Transaction,
    caller: Caller,
    assessment: AssessmentFacts,
    values: Record<string, number>,
    action: string,
    extra: Record<string, unknown> = {},
  ): Promise<string[]> {
    const now = this.now()
    const current = await this.rows(caller, assessment, tx)
    const errors: Record<string, string> = {}
    for (const [code, value] of Object.entries(values)) {
      const row = current.get(code)
      if (row?.source === 'computed' && row.value !== value)
        errors[code] = `${dataReturnItem(code)?.label} is computed from your records (${formatItemValue(
          (dataReturnItem(code) as DataReturnItem).kind,
          row.value ?? null,
        )}): ask for an override with a reason instead`
    }
    if (Object.keys(errors).length) throw new ValidationError(errors)
    const supplied = Object.fromEntries(
      Object.entries(values).filter(([code]) => current.get(code)?.source !== 'computed'),
    )
    // A supplied value stands unless an override sits on top of it.
    this.checkParts(
      current,
      Object.fromEntries(
        Object.entries(supplied).map(([code, value]) => [code, current.get(code)?.overrideValue ?? value]),
      ),
    )
    const changed: string[] = []
    const before: Record<string, unknown> = {}
    for (const [code, value] of Object.entries(supplied)) {
      const row = current.get(code)
      if (row && row.value === value) continue
      changed.push(code)
      before[code] = row?.value ?? null
      await writeValue(tx, assessment, code, {
        source: 'supplied',
        value,
        detail: null,
        recordedBy: userIdOf(caller),
        recordedAt: now,
      })
    }
    await auditReturn(tx, caller, assessment, now, {
      action,
      before,
      after: { ...extra, supplied: Object.fromEntries(changed.map((code) => [code, supplied[code]])) },
    })
    return changed
  }

  private supplier(caller: Caller) {
    requireRole(caller, ...RETURN_SUPPLIERS)
    if (caller.scope.kind !== 'force' && caller.actor.type !== 'system')
      throw new ForbiddenError('Only the force supplies its own return')
  }

  /**
   * The force types values for items Probity does not compute (e.g. whether it has a counter-corruption
   * plan): `input` maps item codes to what was written; a blank leaves the item as it is.
   */
  async supply(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<{ changed: string[] }> {
    this.supplier(caller)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const values: Record<string, number> = {}
    const errors: Record<string, string> = {}
    for (const item of SUPPLIED_ITEMS) {
      const written = input[item.code]
      if (typeof written !== 'string' || !written.trim()) continue
      const parsed = parseItemValue(item.kind, written)
      if (parsed.ok) values[item.code] = parsed.value
      else
        errors[item.code] = `${item.label}: ${parsed.reason.charAt(0).toLowerCase()}${parsed.reason.slice(1)}`
    }
    if (Object.keys(errors).length) throw new ValidationError(errors)
    if (!Object.keys(values).length)
      throw new ValidationError({ [SUPPLIED_ITEMS[0]?.code ?? 'form']: 'Enter a value' })
    const changed = await inScope(this.db, caller.scope, (tx) =>
      this.storeSupplied(tx, caller, assessment, values, 'supply'),
    )
    return { changed }
  }

  /** The template's columns, in order: what a force fills in and uploads. */
  static readonly TEMPLATE_COLUMNS = ['item', 'label', 'definition', 'what to write', 'value'] as const

  /** The XLSX template of the return: one row per item, the current value filled in where there is one. */
  async template(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<{ filename: string; data: Buffer }> {
    const view = await this.get(caller, inspectionId, forceCode)
    const { inspection, force } = view.assessment
    const data = await toXlsx(
      'Data return',
      [
        { header: 'Item', value: (item: ReturnItemView) => item.code },
        { header: 'Label', value: (item) => item.label },
        { header: 'Definition', value: (item) => item.definition },
        {
          header: 'What to write',
          value: (item) =>
            `${item.hint}. Period ${inspection.dataFrom} to ${inspection.dataTo}; census date ${inspection.censusDate}.${
              item.source === 'computed' || item.source === 'overridden'
                ? ' Computed from your records in Probity: leave as it is.'
                : ''
            }`,
        },
        { header: 'Value', value: (item) => writtenItemValue(item.kind, item.baseValue) },
      ],
      view.items,
    )
    return { filename: `data-return-${inspection.code}-${force.code}.xlsx`, data }
  }

  /**
   * The dry run of an uploaded template: each item's value as read, and every bad row with its line and
   * reason. Nothing is stored; when nothing is wrong and something would change, the values wait for the
   * person to confirm them.
   */
  async previewUpload(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    file: UploadedFile,
  ): Promise<UploadPreview> {
    this.supplier(caller)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const sheet = await this.pendingImports.readUpload(file, ['item', 'value'])
    const current = await this.rows(caller, assessment)
    const preview: UploadPreview = {
      filename: file.filename,
      items: [],
      problems: [],
      problemCount: 0,
      importId: null,
    }
    const seen = new Map<string, number>()
    const values: Record<string, number> = {}
    const lines: Record<string, number> = {}
    for (const { line, values: cells } of sheet) {
      const code = (cells.item ?? '').trim()
      const written = (cells.value ?? '').trim()
      if (!code && !written && Object.values(cells).every((cell) => !cell.trim())) continue
      const item = dataReturnItem(code)
      if (!item) {
        preview.problems.push({
          line,
          reason: `item: ${code ? `${code} is not an item of the data return` : 'the item code is missing'}`,
        })
        continue
      }
      if (seen.has(code)) {
        preview.problems.push({ line, reason: `item: ${code} is already on line ${seen.get(code)}` })
        continue
      }
      seen.set(code, line)
      if (!written) {
        preview.items.push({ line, code, label: item.label, value: null, display: '', status: 'left blank' })
        continue
      }
      const parsed = parseItemValue(item.kind, written)
      if (!parsed.ok) {
        preview.problems.push({ line, reason: `value: ${parsed.reason}` })
        continue
      }
      const row = current.get(code)
      if (row?.source === 'computed' && row.value !== parsed.value) {
        preview.problems.push({
          line,
          reason: `value: ${item.label.toLowerCase()} is computed from your records (${formatItemValue(item.kind, row.value ?? null)}); ask for an override with a reason instead`,
        })
        continue
      }
      const unchanged = row !== undefined && row.value === parsed.value
      preview.items.push({
        line,
        code,
        label: item.label,
        value: parsed.value,
        display: formatItemValue(item.kind, parsed.value),
        status: unchanged ? 'unchanged' : 'to supply',
      })
      if (!unchanged) {
        values[code] = parsed.value
        lines[code] = line
      }
    }
    const after: Record<string, number | null> = {}
    for (const item of DATA_RETURN_ITEMS) {
      const row = current.get(item.code)
      after[item.code] = row?.overrideValue ?? values[item.code] ?? row?.value ?? null
    }
    for (const problem of partProblems(after))
      preview.problems.push({
        line: lines[problem.part] ?? lines[problem.whole] ?? seen.get(problem.part) ?? 0,
        reason: `value: ${problem.reason}`,
      })
    if (!sheet.length) preview.problems.push({ line: 1, reason: `${file.filename} has no rows of items` })
    Object.assign(preview, listProblems(preview.problems))
    if (!preview.problemCount && Object.keys(values).length) {
      const rows: PendingValue[] = Object.entries(values).map(([item, value]) => ({
        assessmentId: assessment.id,
        item,
        value,
      }))
      preview.importId = await this.pendingImports.save(
        caller,
        assessment.force.id,
        DATA_RETURN_REGISTER,
        file.filename,
        rows,
      )
    }
    return preview
  }

  /** Stores a previewed upload's values as supplied, in one transaction: all of them or none. */
  async confirmUpload(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    importId: string,
  ): Promise<{ filename: string; changed: string[] }> {
    this.supplier(caller)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return inScope(this.db, caller.scope, async (tx) => {
      const pending = await this.pendingImports.take(tx, DATA_RETURN_REGISTER, importId)
      const rows = pending.rows as PendingValue[]
      if (pending.forceId !== assessment.force.id || rows.some((row) => row.assessmentId !== assessment.id))
        throw new NotFoundError('That upload has expired or was already confirmed')
      const values = Object.fromEntries(rows.map((row) => [row.item, row.value]))
      const changed = await this.storeSupplied(tx, caller, assessment, values, 'upload', {
        filename: pending.filename,
      })
      return { filename: pending.filename, changed }
    })
  }

  /**
   * Added for issue #9 (document imports, src/modules/press-releases): an inspector records the figures a
   * published document states (a historic report or press release) as the force's SUPPLIED values, inside
   * the caller's transaction `tx` (so the judgement and the document's status change with them, all or
   * none). Each value's detail notes `importedFrom`. An item that already has a value is refused unless
   * `replace` is set; replacing clears any override on it (the audit event keeps what stood before).
   */
  async recordPublishedValues(
    tx: Transaction,
    caller: Caller,
    assessment: AssessmentFacts,
    values: Record<string, number>,
    source: string,
    options: { replace: boolean },
  ): Promise<{ changed: string[] }> {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const errors: Record<string, string> = {}
    for (const [code, value] of Object.entries(values)) {
      const item = requireItem(code)
      const problem = checkStoredValue(item.kind, value)
      if (problem) errors[code] = `${item.label}: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`
    }
    if (Object.keys(errors).length) throw new ValidationError(errors)
    const now = this.now()
    const current = await this.rows(caller, assessment, tx)
    const held = Object.keys(values).filter((code) => {
      const row = current.get(code)
      return row && (row.value !== null || row.overrideValue !== null)
    })
    if (held.length && !options.replace)
      throw new ValidationError({
        replace: `The force’s data return already has values for ${held
          .map((code) => dataReturnItem(code)?.label.toLowerCase())
          .join(', ')}: tick “Replace” to replace them`,
      })
    this.checkParts(current, values)
    const before: Record<string, unknown> = {}
    for (const [code, value] of Object.entries(values)) {
      before[code] = audited(current.get(code))
      await writeValue(tx, assessment, code, {
        source: 'supplied',
        value,
        // `reason` is what the return's page shows under the item's definition.
        detail: { importedFrom: source, reason: `Imported from ${source}` },
        recordedBy: userIdOf(caller),
        recordedAt: now,
        ...NO_OVERRIDE,
      })
    }
    await auditReturn(tx, caller, assessment, now, {
      action: 'import-published',
      before,
      after: { inspection: assessment.inspection.code, importedFrom: source, supplied: values },
    })
    return { changed: Object.keys(values) }
  }

  /**
   * The national table: every force in the inspection's scope with its values as they stand, rates per
   * 1,000 workforce and outliers. The inspectorate's only: a force does not see its peers' figures.
   */
  async comparison(caller: Caller, inspectionId: string): Promise<ComparisonView> {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const inspection = await this.inspections.get(caller, inspectionId)
    const assessments = await this.inspections.assessments(caller, inspectionId)
    const ids = assessments.map((assessment) => assessment.id)
    const rows = ids.length
      ? await inScope(this.db, caller.scope, (tx) =>
          tx.select().from(dataReturnValues).where(inArray(dataReturnValues.assessmentId, ids)),
        )
      : []
    const fte = new Map((await this.forces.list()).map((force) => [force.code, force.officersFte]))
    const byAssessment = new Map<string, Record<string, number | null>>()
    for (const row of rows) {
      const values = byAssessment.get(row.assessmentId) ?? {}
      values[row.item] = standing(row)
      byAssessment.set(row.assessmentId, values)
    }
    const inputs: ComparisonInput[] = assessments.map((assessment) => ({
      force: { ...assessment.force, officersFte: fte.get(assessment.force.code) ?? null },
      values: byAssessment.get(assessment.id) ?? {},
    }))
    return { inspection, ...buildComparison(inputs) }
  }

  /** The comparison for a download, recorded in the audit trail. */
  async exportComparison(caller: Caller, inspectionId: string, format: string): Promise<ComparisonView> {
    const view = await this.comparison(caller, inspectionId)
    await this.audit.recordExport(
      caller,
      {
        forceId: null,
        entityType: 'data-return-comparison',
        format,
        rows: view.rows.length,
        filters: { inspection: view.inspection.code },
      },
      this.now(),
    )
    return view
  }
}
