import { and, count, inArray, isNull, lte, or } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { hasRole } from '../../domain/roles.js'
import type { SheetRow, UploadedFile } from '../../spreadsheets/read.js'
import { listProblems, type RowProblem } from '../../spreadsheets/validate.js'
import { type AuditService, appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { type PendingImportsService, WRITE_BATCH } from '../imports/service.js'
import {
  isServing,
  type RosterFilter,
  type RosterSort,
  rosterConditions,
  type StaffMemberRow,
  searchServing,
  selectByStaffNumbers,
  selectChoices,
  selectMember,
  selectMembers,
  selectRosterPage,
  upsertMembers,
} from './queries.js'
import {
  checkRosterRows,
  FIELD_LABELS,
  MissingColumnsError,
  normaliseStaffNumber,
  ROSTER_FIELDS,
  type RosterField,
  type RosterRow,
} from './rows.js'
import { staffMembers } from './schema.js'

export type { RosterFilter, RosterSort, RosterStatus } from './queries.js'
export { ROSTER_SORTS, ROSTER_STATUSES } from './queries.js'
export type { RosterRow } from './rows.js'

/** The name under which roster imports wait in the pending imports, and the audit's entity types. */
export const ROSTER_REGISTER = 'roster'
export const STAFF_MEMBER_ENTITY = 'staff-member'
export const ROSTER_IMPORT_ENTITY = 'roster-import'

export const ROSTER_PAGE_SIZE = 50
/** How many members a picker's search returns at most. */
export const SEARCH_LIMIT = 20

/** A member of a force's staff, as every module sees them. */
export interface StaffMember {
  id: string
  force: ForceReference
  staffNumber: string
  name: string
  grade: string
  unit: string
  startDate: string | null
  leaveDate: string | null
  /** Still serving today: no leave date, or one that has not yet passed. */
  serving: boolean
  createdAt: Date
  updatedAt: Date
}

export interface RosterPage extends ListTotal {
  force: ForceReference
  members: StaffMember[]
  page: number
  pageSize: number
  totalPages: number
}

export interface FieldChange {
  field: RosterField
  label: string
  before: string
  after: string
}

/** What an import would do, found without writing anything. */
export interface RosterPlan {
  force: ForceReference
  filename: string
  /** Data rows in the file. */
  rows: number
  toAdd: { line: number; row: RosterRow }[]
  toUpdate: { line: number; id: string; row: RosterRow; changes: FieldChange[] }[]
  unchanged: number
  /** The first bad rows, in line order (PROBLEMS_LISTED of them); any at all and nothing is written. */
  problems: RowProblem[]
  /** How many rows are bad in all. */
  problemCount: number
  /** The rows that passed, to write when the import is confirmed. */
  valid: { line: number; value: RosterRow }[]
}

export interface RosterImportResult {
  force: ForceReference
  filename: string
  added: number
  updated: number
  unchanged: number
}

export type ImportProgress = (phase: 'checking' | 'writing', done: number, total: number) => void

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

const READERS = ['force-caseworker', 'inspector'] as const
const IMPORTERS = ['force-admin', 'inspectorate-admin'] as const

function changesBetween(before: StaffMemberRow, after: RosterRow): FieldChange[] {
  return ROSTER_FIELDS.filter((field) => (before[field] ?? null) !== (after[field] ?? null)).map((field) => ({
    field,
    label: FIELD_LABELS[field],
    before: before[field] ?? '',
    after: after[field] ?? '',
  }))
}

/**
 * The staff roster of each force: the list caseworkers and the inspectorate read, the imports force
 * administrators load from HR, and the look-ups other registers use to name a member of staff.
 */
export class RosterService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly pendingImports: PendingImportsService,
    private readonly audit: AuditService,
    private readonly now: () => Date,
  ) {}

  /** Today in England and Wales, as an ISO date: the day against which leave dates are compared. */
  today(): string {
    return londonDay.format(this.now())
  }

  private async forcesById(): Promise<Map<number, ForceReference>> {
    return new Map((await this.forces.references()).map((force) => [force.id, force]))
  }

  private toMember(row: StaffMemberRow, force: ForceReference, today: string): StaffMember {
    return {
      id: row.id,
      force,
      staffNumber: row.staffNumber,
      name: row.name,
      grade: row.grade,
      unit: row.unit,
      startDate: row.startDate,
      leaveDate: row.leaveDate,
      serving: row.leaveDate === null || row.leaveDate >= today,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }
  }

  private async toMembers(rows: StaffMemberRow[]): Promise<StaffMember[]> {
    const byId = await this.forcesById()
    const today = this.today()
    return rows.map((row) => {
      const force = byId.get(row.forceId) ?? {
        id: row.forceId,
        code: String(row.forceId),
        name: `Force ${row.forceId}`,
      }
      return this.toMember(row, force, today)
    })
  }

  /**
   * The force whose roster the caller reads: their own, or — for the inspectorate — the one named.
   * A force's people asking for another force are refused rather than shown their own by surprise.
   */
  async forceFor(caller: Caller, forceCode: string | undefined): Promise<ForceReference> {
    const references = await this.forces.references()
    const { scope } = caller
    if (scope.kind === 'force' || scope.kind === 'publication') {
      const own = references.find((force) => force.id === scope.forceId)
      if (!own) throw new NotFoundError('No such force')
      if (forceCode && forceCode !== own.code)
        throw new ForbiddenError('You can see only your own force’s roster')
      return own
    }
    if (scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (!forceCode) throw new ValidationError({ force: 'Select a force' })
    const force = references.find((candidate) => candidate.code === forceCode)
    if (!force) throw new ValidationError({ force: 'Select a force from the list' })
    return force
  }

  /** A page of a force's roster, filtered and sorted; without `page`, every matching member (exports). */
  async list(
    caller: Caller,
    forceCode: string | undefined,
    filter: RosterFilter,
    sort: { sort: RosterSort; order: 'asc' | 'desc' },
    page?: number,
  ): Promise<RosterPage> {
    requireRole(caller, ...READERS)
    const force = await this.forceFor(caller, forceCode)
    const today = this.today()
    const where = rosterConditions(force.id, filter, today)
    const paging = page ? { offset: (page - 1) * ROSTER_PAGE_SIZE, limit: ROSTER_PAGE_SIZE } : undefined
    const { total, exact, rows } = await inScope(this.db, caller.scope, (tx) =>
      selectRosterPage(tx, where, sort.sort, sort.order, paging),
    )
    return {
      force,
      members: rows.map((row) => this.toMember(row, force, today)),
      total,
      exact,
      page: page ?? 1,
      pageSize: page ? ROSTER_PAGE_SIZE : Math.max(total, 1),
      totalPages: page ? Math.max(1, Math.ceil(total / ROSTER_PAGE_SIZE)) : 1,
    }
  }

  /** Every member that the filters show, for a download; the export is recorded in the audit trail. */
  async exportList(
    caller: Caller,
    forceCode: string | undefined,
    filter: RosterFilter,
    sort: { sort: RosterSort; order: 'asc' | 'desc' },
    format: string,
  ): Promise<RosterPage> {
    const result = await this.list(caller, forceCode, filter, sort)
    await this.audit.recordExport(
      caller,
      {
        forceId: result.force.id,
        entityType: STAFF_MEMBER_ENTITY,
        format,
        rows: result.total,
        filters: { ...filter, sort: sort.sort, order: sort.order },
      },
      this.now(),
    )
    return result
  }

  /**
   * How many of a force's people were serving on a day (started by then or with no start date, and not
   * left before it): the workforce an inspection's data return counts at its census date.
   */
  async countServing(caller: Caller, forceId: number, day: string): Promise<number> {
    return (await this.countServingByForce(caller, [forceId], day)).get(forceId) ?? 0
  }

  /** `countServing` for several forces at once (an inspection's data returns), one query. Issue #11. */
  async countServingByForce(
    caller: Caller,
    forceIds: readonly number[],
    day: string,
  ): Promise<Map<number, number>> {
    requireRole(caller, ...READERS)
    const { scope } = caller
    if (scope.kind === 'force' && forceIds.some((forceId) => forceId !== scope.forceId))
      throw new NotFoundError()
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const rows = forceIds.length
      ? await inScope(this.db, caller.scope, (tx) =>
          tx
            .select({ forceId: staffMembers.forceId, value: count() })
            .from(staffMembers)
            .where(
              and(
                inArray(staffMembers.forceId, [...forceIds]),
                or(isNull(staffMembers.startDate), lte(staffMembers.startDate, day)),
                isServing(day),
              ),
            )
            .groupBy(staffMembers.forceId),
        )
      : []
    const counts = new Map(forceIds.map((forceId) => [forceId, 0]))
    for (const row of rows) counts.set(row.forceId, row.value)
    return counts
  }

  /** The units and grades a force's roster uses, for the list's filters. */
  async choices(caller: Caller, force: ForceReference): Promise<{ units: string[]; grades: string[] }> {
    requireRole(caller, ...READERS)
    return inScope(this.db, caller.scope, (tx) => selectChoices(tx, force.id))
  }

  /**
   * One member of staff. Caseworkers and the inspectorate may see anyone on the roster they can read;
   * a member of staff only themselves. Another force's member is not found.
   */
  async find(caller: Caller, staffMemberId: string): Promise<StaffMember> {
    if (!z.uuid().safeParse(staffMemberId).success) throw new NotFoundError('No such member of staff')
    const row = await inScope(this.db, caller.scope, (tx) => selectMember(tx, staffMemberId))
    if (!row || !this.visible(caller, row)) throw new NotFoundError('No such member of staff')
    const [member] = await this.toMembers([row])
    return member as StaffMember
  }

  /** Several members at once (say, for a register's list), keyed by id; ids not visible are left out. */
  async findMany(caller: Caller, staffMemberIds: string[]): Promise<Map<string, StaffMember>> {
    const ids = [...new Set(staffMemberIds)].filter((id) => z.uuid().safeParse(id).success)
    const rows = await inScope(this.db, caller.scope, (tx) => selectMembers(tx, ids))
    const members = await this.toMembers(rows.filter((row) => this.visible(caller, row)))
    return new Map(members.map((member) => [member.id, member]))
  }

  private visible(caller: Caller, row: StaffMemberRow): boolean {
    const { scope } = caller
    if (scope.kind === 'public') return false
    if ((scope.kind === 'force' || scope.kind === 'publication') && row.forceId !== scope.forceId)
      return false
    if (caller.actor.type === 'system' || scope.kind === 'publication') return true
    const role = caller.principal?.role
    if (role && READERS.some((wanted) => hasRole(role, wanted))) return true
    return caller.principal?.staffMemberId === row.id
  }

  /**
   * The member with this staff number in a force (any case, surrounding space ignored), or undefined.
   * For caseworkers and the inspectorate, e.g. when an import of another register names staff numbers.
   */
  async findByStaffNumber(
    caller: Caller,
    forceId: number,
    staffNumber: string,
  ): Promise<StaffMember | undefined> {
    return (await this.findByStaffNumbers(caller, forceId, [staffNumber])).get(
      normaliseStaffNumber(staffNumber),
    )
  }

  /** Many staff numbers at once (a whole import's), keyed by the normalised staff number. */
  async findByStaffNumbers(
    caller: Caller,
    forceId: number,
    staffNumbers: string[],
  ): Promise<Map<string, StaffMember>> {
    requireRole(caller, ...READERS)
    if (caller.scope.kind === 'force' && caller.scope.forceId !== forceId) return new Map()
    const numbers = [...new Set(staffNumbers.map(normaliseStaffNumber))]
    const rows = await inScope(this.db, caller.scope, (tx) => selectByStaffNumbers(tx, forceId, numbers))
    const members = await this.toMembers(rows.filter((row) => row.forceId === forceId))
    return new Map(members.map((member) => [member.staffNumber, member]))
  }

  /**
   * Every member of a force, keyed by staff number, in one query: for a streaming import, which cannot
   * know which staff numbers a file names before it has read all of it. Issue #11.
   */
  async allByStaffNumber(caller: Caller, forceId: number): Promise<Map<string, StaffMember>> {
    requireRole(caller, ...READERS)
    if (caller.scope.kind === 'force' && caller.scope.forceId !== forceId) return new Map()
    const rows = await inScope(this.db, caller.scope, (tx) => selectByStaffNumbers(tx, forceId))
    const members = await this.toMembers(rows.filter((row) => row.forceId === forceId))
    return new Map(members.map((member) => [member.staffNumber, member]))
  }

  /**
   * For pickers: up to 20 members of the caller's own force still serving, whose name or staff number
   * contains the text. Anyone in a force may search it (a member of staff names who authorised a
   * contact, say); the inspectorate belongs to no force and finds no one.
   */
  async search(caller: Caller, text: string): Promise<StaffMember[]> {
    const { scope } = caller
    if (scope.kind !== 'force') return []
    requireRole(caller, 'staff')
    const wanted = text.trim().slice(0, 200)
    if (!wanted) return []
    const rows = await inScope(this.db, scope, (tx) =>
      searchServing(tx, scope.forceId, wanted, this.today(), SEARCH_LIMIT),
    )
    return this.toMembers(rows.filter((row) => row.forceId === scope.forceId))
  }

  /**
   * Whom a form means by a name or staff number typed into it (a case's subject, a declaration recorded
   * for someone): the member chosen from an earlier search's results (`chosenId`, the caller's own force
   * only); else the member whose staff number it is (leavers too), or the one serving member whose name
   * or staff number contains it. Several serving members match: the candidates to choose from. No one:
   * an empty list. Within the caller's force only, as `search`.
   */
  async pick(
    caller: Caller,
    text: string,
    chosenId?: string,
  ): Promise<{ member: StaffMember } | { candidates: StaffMember[] }> {
    const { scope } = caller
    if (scope.kind !== 'force') return { candidates: [] }
    if (chosenId) {
      const chosen = await this.find(caller, chosenId).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined
        throw error
      })
      if (chosen && chosen.force.id === scope.forceId) return { member: chosen }
    }
    const exact = text.trim() ? await this.findByStaffNumber(caller, scope.forceId, text) : undefined
    if (exact) return { member: exact }
    const candidates = await this.search(caller, text)
    return candidates.length === 1 ? { member: candidates[0] as StaffMember } : { candidates }
  }

  // --- imports ---------------------------------------------------------------------------------------

  /**
   * The force an import is for: a force administrator's own (naming another is refused); an
   * inspectorate administrator (or the command line) names it.
   */
  async forceForImport(caller: Caller, forceCode: string | undefined): Promise<ForceReference> {
    requireRole(caller, ...IMPORTERS)
    const code = forceCode?.trim() || undefined
    if (caller.scope.kind === 'force') {
      const own = await this.forceFor(caller, undefined)
      if (code && code !== own.code) throw new ForbiddenError('You can import only your own force’s roster')
      return own
    }
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (!code) throw new ValidationError({ force: 'Select the force whose roster this is' })
    const force = (await this.forces.references()).find((candidate) => candidate.code === code)
    if (!force) throw new ValidationError({ force: `No force has the code ${JSON.stringify(code)}` })
    return force
  }

  /** What importing these rows would do: nothing is written. */
  async plan(
    caller: Caller,
    force: ForceReference,
    filename: string,
    sheetRows: SheetRow[],
    onProgress?: ImportProgress,
  ): Promise<RosterPlan> {
    requireRole(caller, ...IMPORTERS)
    if (!sheetRows.length) throw new ValidationError({ file: `${filename} has no rows of staff` })
    let checked: Awaited<ReturnType<typeof checkRosterRows>>
    try {
      checked = await checkRosterRows(sheetRows, (done) => onProgress?.('checking', done, sheetRows.length))
    } catch (error) {
      if (error instanceof MissingColumnsError) throw new ValidationError({ file: error.message })
      throw error
    }
    const existing = await inScope(this.db, caller.scope, (tx) => selectByStaffNumbers(tx, force.id))
    return {
      ...this.diff(existing, checked.valid),
      force,
      filename,
      rows: sheetRows.length,
      valid: checked.valid,
      ...listProblems(checked.problems),
    }
  }

  private diff(existing: StaffMemberRow[], valid: { line: number; value: RosterRow }[]) {
    const byNumber = new Map(existing.map((row) => [row.staffNumber, row]))
    const toAdd: RosterPlan['toAdd'] = []
    const toUpdate: RosterPlan['toUpdate'] = []
    let unchanged = 0
    for (const { line, value } of valid) {
      const before = byNumber.get(value.staffNumber)
      if (!before) {
        toAdd.push({ line, row: value })
        continue
      }
      const changes = changesBetween(before, value)
      if (changes.length) toUpdate.push({ line, id: before.id, row: value, changes })
      else unchanged++
    }
    return { toAdd, toUpdate, unchanged }
  }

  /**
   * The dry run of an upload: reads and checks the file, and when every row is good and something
   * would change, keeps the rows for the person to confirm (`importId`).
   */
  async preview(
    caller: Caller,
    input: { forceCode?: string; file: UploadedFile },
  ): Promise<{ plan: RosterPlan; importId: string | null }> {
    const force = await this.forceForImport(caller, input.forceCode)
    const rows = await this.pendingImports.readUpload(input.file)
    const plan = await this.plan(caller, force, input.file.filename, rows)
    const worthConfirming = !plan.problems.length && plan.toAdd.length + plan.toUpdate.length > 0
    const importId = worthConfirming
      ? await this.pendingImports.save(
          caller,
          force.id,
          ROSTER_REGISTER,
          input.file.filename,
          plan.valid.map(({ value }) => value),
        )
      : null
    return { plan, importId }
  }

  /** Applies a previewed import, in one transaction: all of it or none of it. */
  async confirm(caller: Caller, importId: string): Promise<RosterImportResult> {
    requireRole(caller, ...IMPORTERS)
    const byId = await this.forcesById()
    return inScope(this.db, caller.scope, async (tx) => {
      const pending = await this.pendingImports.take(tx, ROSTER_REGISTER, importId)
      const { scope } = caller
      if (scope.kind !== 'inspectorate' && !(scope.kind === 'force' && scope.forceId === pending.forceId))
        throw new NotFoundError('That import has expired or was already confirmed')
      const force = byId.get(pending.forceId)
      if (!force) throw new NotFoundError('No such force')
      const rows = pending.rows as RosterRow[]
      return this.write(tx, caller, force, pending.filename, rows, importId)
    })
  }

  /**
   * Checks and, unless it is a dry run or any row is bad, writes a whole file in one transaction: the
   * command line's import, and how the demo data and tests fill a roster.
   */
  async importRows(
    caller: Caller,
    input: { forceCode: string | undefined; filename: string; rows: SheetRow[] },
    options: { dryRun?: boolean; onProgress?: ImportProgress } = {},
  ): Promise<{ plan: RosterPlan; result: RosterImportResult | null }> {
    const force = await this.forceForImport(caller, input.forceCode)
    const plan = await this.plan(caller, force, input.filename, input.rows, options.onProgress)
    if (plan.problems.length || options.dryRun) return { plan, result: null }
    const rows = plan.valid.map(({ value }) => value)
    const result = await inScope(this.db, caller.scope, (tx) =>
      this.write(tx, caller, force, input.filename, rows, null, options.onProgress),
    )
    return { plan, result }
  }

  /** Adds new members and updates changed ones (by staff number), auditing each update and the whole. */
  private async write(
    tx: Transaction,
    caller: Caller,
    force: ForceReference,
    filename: string,
    rows: RosterRow[],
    importId: string | null,
    onProgress?: ImportProgress,
  ): Promise<RosterImportResult> {
    const now = this.now()
    const existing = await selectByStaffNumbers(tx, force.id)
    const { toAdd, toUpdate, unchanged } = this.diff(
      existing,
      rows.map((value, index) => ({ line: index, value })),
    )
    const before = new Map(existing.map((row) => [row.staffNumber, row]))
    const changed = [...toAdd.map(({ row }) => row), ...toUpdate.map(({ row }) => row)]
    onProgress?.('writing', 0, changed.length)
    for (let start = 0; start < changed.length; start += WRITE_BATCH) {
      const written = await upsertMembers(tx, force.id, changed.slice(start, start + WRITE_BATCH), now)
      for (const after of written) {
        const previous = before.get(after.staffNumber)
        // A change to someone already on the roster is recorded on their history one by one; people
        // added are counted in the import's own event (thousands of events would make a first import
        // of a whole force take minutes).
        if (!previous) continue
        await appendAuditEvent(
          tx,
          caller.actor,
          {
            forceId: force.id,
            entityType: STAFF_MEMBER_ENTITY,
            entityId: after.id,
            action: 'update',
            before: previous,
            after,
          },
          now,
        )
      }
      onProgress?.('writing', Math.min(start + WRITE_BATCH, changed.length), changed.length)
    }
    const result = { filename, added: toAdd.length, updated: toUpdate.length, unchanged }
    await appendAuditEvent(
      tx,
      caller.actor,
      {
        forceId: force.id,
        entityType: ROSTER_IMPORT_ENTITY,
        entityId: importId,
        action: 'import',
        after: result,
      },
      now,
    )
    return { force, ...result }
  }
}
