import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { hasRole } from '../../domain/roles.js'
import type { SheetRow, UploadedFile } from '../../spreadsheets/read.js'
import type { AuditService } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { PendingImportsService } from '../imports/service.js'
import { type ImportProgress, RosterImport, type RosterImportResult, type RosterPlan } from './import.js'
import {
  type RosterFilter,
  type RosterSort,
  rosterConditions,
  STAFF_MEMBER_ENTITY,
  type StaffMemberRow,
  searchServing,
  selectByStaffNumbers,
  selectChoices,
  selectMember,
  selectMembers,
  selectRosterPage,
  selectServingCounts,
} from './queries.js'
import { normaliseStaffNumber } from './rows.js'

export type { RosterFilter, RosterSort, RosterStatus } from './queries.js'
export { ROSTER_SORTS, ROSTER_STATUSES } from './queries.js'
export type { RosterRow } from './rows.js'

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

const READERS = ['force-caseworker', 'inspector'] as const

/**
 * The staff roster of each force: the list caseworkers and the inspectorate read, the imports force
 * administrators load from HR, and the look-ups other registers use to name a member of staff. The
 * imports themselves are in import.ts.
 */
export class RosterService {
  private readonly rosterImport: RosterImport

  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    pendingImports: PendingImportsService,
    private readonly audit: AuditService,
    private readonly now: () => Date,
  ) {
    this.rosterImport = new RosterImport(db, this, forces, pendingImports, now)
  }

  /** Today in England and Wales, as an ISO date: the day against which leave dates are compared. */
  today(): string {
    return londonToday(this.now())
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
    const byId = await this.forces.byId()
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
      ? await inScope(this.db, caller.scope, (tx) => selectServingCounts(tx, forceIds, day))
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

  // --- imports (import.ts) -------------------------------------------------------------------------

  forceForImport(caller: Caller, forceCode: string | undefined): Promise<ForceReference> {
    return this.rosterImport.forceForImport(caller, forceCode)
  }

  preview(
    caller: Caller,
    input: { forceCode?: string; file: UploadedFile },
  ): Promise<{ plan: RosterPlan; importId: string | null }> {
    return this.rosterImport.preview(caller, input)
  }

  confirm(caller: Caller, importId: string): Promise<RosterImportResult> {
    return this.rosterImport.confirm(caller, importId)
  }

  importRows(
    caller: Caller,
    input: { forceCode: string | undefined; filename: string; rows: SheetRow[] },
    options: { dryRun?: boolean; onProgress?: ImportProgress } = {},
  ): Promise<{ plan: RosterPlan; result: RosterImportResult | null }> {
    return this.rosterImport.importRows(caller, input, options)
  }
}
