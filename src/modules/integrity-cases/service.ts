import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import { isUniqueViolation } from '../../db/errors.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, requireRole } from '../../domain/access.js'
import {
  CASE_LINK_LABELS,
  type CaseCounts,
  type CaseLinkType,
  type CaseSource,
  type CaseStatus,
  type CaseType,
  countCases,
} from '../../domain/cases.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { hasRole, type Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { StaffDirectory } from '../gifts-hospitality/service.js'
import {
  closeSchema,
  linkSchema,
  londonToday,
  noteSchema,
  type OpenCaseInput,
  openCaseSchema,
  registerSearchSchema,
  statusSchema,
  subjectSchema,
  targetSchema,
  userChoiceSchema,
} from './fields.js'
import {
  type CaseFilter,
  type CaseHeader,
  type CaseListRow,
  type CaseRow,
  type CaseSort,
  headerOnly,
  type RegisterMatchRow,
  selectCase,
  selectCaseFacts,
  selectCaseListRow,
  selectCases,
  selectCaseworkers,
  selectHeader,
  selectHeaderByReference,
  selectLastReference,
  selectLinks,
  selectNamed,
  selectNamedCaseIds,
  selectNotes,
  selectOpenCaseCounts,
  selectRegisterMatches,
  selectSubjects,
} from './queries.js'
import {
  integrityCaseAccess,
  integrityCaseLinks,
  integrityCaseNotes,
  integrityCaseSubjects,
  integrityCases,
} from './schema.js'

export type { CaseFilter, CaseListRow, CaseSort } from './queries.js'

/** Who reads the force's cases: its caseworkers and admins, and the inspectorate (headers of confidential ones only). */
export const CASE_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who runs them. */
export const CASE_KEEPERS: Role[] = ['force-caseworker']

export const CASE_ENTITY = 'integrity-case'
const RESTRICTED = 'This case is restricted to the caseworkers named on it'

/** What a case needs of a register to link one of its entries: the entry, if the caller may see it. */
interface Finder<T> {
  find(caller: Caller, id: string): Promise<T>
}
export interface RegisterFinders {
  businessInterests: Finder<{ force: { id: number }; nature: string; category: string }>
  giftsHospitality: Finder<{ forceId: number; kind: string; description: string; donorName: string }>
  mediaContacts: Finder<{ forceId: number; journalist: string; outlet: string; contactOn: string }>
}

export interface CaseLinkView {
  entityType: CaseLinkType
  entityId: string
  typeLabel: string
  label: string
  /** The day the entry is about, where the label does not say it (shown as 27 March 2012). */
  on?: string
  href: string
}

/** How many register entries a search for one to link shows: more asks for more words. */
export const REGISTER_MATCHES_SHOWN = 20

/** A register entry a search found, and whether the case links it already. */
export interface RegisterMatch extends RegisterMatchRow {
  linked: boolean
}

export interface CaseDetail {
  case: CaseListRow
  subjects: Awaited<ReturnType<typeof selectSubjects>>
  links: CaseLinkView[]
  notes: Awaited<ReturnType<typeof selectNotes>>
  named: Awaited<ReturnType<typeof selectNamed>>
}

export type CaseLookup = { restricted: true; header: CaseHeader } | { restricted: false; detail: CaseDetail }

export interface TimelineEntry {
  at: Date
  who: string
  what: string
  detail: string | null
}

const LINK_PATHS: Record<CaseLinkType, string> = {
  'business-interest': '/business-interests',
  'gift-hospitality': '/gifts-hospitality',
  'media-contact': '/media-contacts',
}

function callerHas(caller: Caller, roles: Role[]): boolean {
  if (caller.actor.type === 'system') return true
  const role = caller.principal?.role
  return !!role && roles.some((wanted) => hasRole(role, wanted))
}

/**
 * What the audit trail keeps of a case. The trail is read by the force's administrators, so a
 * confidential case's events say which case and what changed, never the details themselves.
 */
export function audited(row: CaseRow, details: Record<string, unknown> = {}): Record<string, unknown> {
  if (row.confidential)
    return {
      reference: row.reference,
      confidential: true,
      changed: Object.keys(details),
    }
  return { ...row, ...details }
}

export class IntegrityCasesService {
  constructor(
    private readonly db: Database,
    private readonly roster: StaffDirectory,
    private readonly audit: AuditService,
    private readonly registers: RegisterFinders,
    private readonly now: () => Date,
  ) {}

  private scoped<T>(caller: Caller, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, caller.scope, work, actingId(caller))
  }

  /**
   * The service's own check, behind row-level security: a confidential case comes back whole only to
   * a caseworker named on it (or the command line); to anyone else, only its header.
   */
  private async redact(tx: Transaction, caller: Caller, rows: CaseListRow[]): Promise<CaseListRow[]> {
    if (caller.actor.type === 'system') return rows
    const confidential = rows.filter((row) => row.confidential && row.readable).map((row) => row.id)
    const userId = actingId(caller)
    const named = userId ? await selectNamedCaseIds(tx, userId, confidential) : new Set<string>()
    return rows.map((row) => (row.confidential && row.readable && !named.has(row.id) ? headerOnly(row) : row))
  }

  private forceFor(caller: Caller, requested?: number): number {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId) throw new NotFoundError()
      return caller.scope.forceId
    }
    if (caller.actor.type === 'system' && requested !== undefined) return requested
    throw new ForbiddenError('Only a force can run its own cases')
  }

  private readingForce(caller: Caller, requested?: number): number | undefined {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId) throw new NotFoundError()
      return caller.scope.forceId
    }
    if (caller.scope.kind === 'inspectorate') return requested
    throw new ForbiddenError()
  }

  /** Whether the caller opens and changes cases (rather than only reading them). */
  keepsCases(caller: Caller): boolean {
    return caller.scope.kind === 'force' && callerHas(caller, CASE_KEEPERS)
  }

  /** The force's caseworkers and administrators, to assign or name on a case. */
  async caseworkers(caller: Caller, forceId?: number) {
    requireRole(caller, ...CASE_KEEPERS)
    const force = this.forceFor(caller, forceId)
    return this.scoped(caller, (tx) => selectCaseworkers(tx, force))
  }

  private async checkCaseworker(tx: Transaction, forceId: number, userId: string, field: string) {
    const found = (await selectCaseworkers(tx, forceId)).find((user) => user.id === userId)
    if (!found) throw new ValidationError({ [field]: 'Select a caseworker of this force' })
    return found
  }

  private async nextReference(tx: Transaction, forceId: number, openedOn: string): Promise<string> {
    const prefix = `IC/${openedOn.slice(0, 4)}/`
    const last = await selectLastReference(tx, forceId, prefix)
    const number = last ? Number(last.slice(prefix.length)) + 1 : 1
    return `${prefix}${String(number).padStart(4, '0')}`
  }

  /**
   * Opens a case. A confidential case is named to the caseworker who opens it and the one assigned.
   * `within` runs in the same transaction once the case exists (a referral accepted into it).
   */
  async open(
    caller: Caller,
    input: OpenCaseInput | Record<string, unknown>,
    options: {
      forceId?: number
      /** Why the case is dated earlier than today (opened from a referral), for the audit trail. */
      earlierDateReason?: string | null
      within?: (tx: Transaction, created: CaseRow) => Promise<void>
    } = {},
  ): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = this.forceFor(caller, options.forceId)
    const values = parseOrThrow(openCaseSchema, input)
    const problems: Record<string, string> = {}
    if (values.openedOn > londonToday(this.now()))
      problems.openedOn = 'The date opened must be today or in the past'
    if (values.targetDate && values.targetDate < values.openedOn)
      problems.targetDate = 'The target date must be on or after the date opened'
    const subject = values.staffNumber
      ? await this.roster.findByStaffNumber(caller, forceId, values.staffNumber)
      : undefined
    if (values.staffNumber && !subject)
      problems.staffNumber = `There is no member of staff with staff number ${values.staffNumber} on the roster`
    if (Object.keys(problems).length) throw new ValidationError(problems)
    const opener = caller.principal?.kind === 'user' ? caller.principal.id : null
    const now = this.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.scoped(caller, async (tx) => {
          if (values.assignedTo) await this.checkCaseworker(tx, forceId, values.assignedTo, 'assignedTo')
          const id = randomUUID()
          const row: CaseRow = {
            id,
            forceId,
            reference: await this.nextReference(tx, forceId, values.openedOn),
            type: values.type,
            source: values.source,
            status: 'open',
            outcome: null,
            openedOn: values.openedOn,
            closedOn: null,
            targetDate: values.targetDate,
            assignedTo: values.assignedTo ?? opener,
            confidential: values.confidential,
            summary: values.summary,
            openedBy: opener,
            createdAt: now,
            updatedAt: now,
          }
          // No RETURNING: a confidential case is not readable until someone is named on it.
          await tx.insert(integrityCases).values(row)
          if (row.confidential) {
            const named = [...new Set([opener, row.assignedTo].filter((user): user is string => !!user))]
            if (named.length)
              await tx
                .insert(integrityCaseAccess)
                .values(named.map((userId) => ({ caseId: id, forceId, userId, addedAt: now })))
          }
          if (subject)
            await tx
              .insert(integrityCaseSubjects)
              .values({ caseId: id, forceId, staffMemberId: subject.id, addedAt: now })
          await appendAuditEvent(
            tx,
            caller.actor,
            {
              forceId,
              entityType: CASE_ENTITY,
              entityId: id,
              action: 'open',
              after: audited(row, {
                ...(subject ? { subject: subject.staffNumber } : {}),
                ...(options.earlierDateReason ? { earlierDateReason: options.earlierDateReason } : {}),
              }),
            },
            now,
          )
          await options.within?.(tx, row)
          return row
        })
      } catch (error) {
        // Two cases opened at the same moment took the same reference: number this one again.
        if (attempt < 3 && isUniqueViolation(error)) continue
        throw error
      }
    }
  }

  async list(
    caller: Caller,
    filter: CaseFilter,
    order: { sort: CaseSort; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ): Promise<ListTotal & { cases: CaseListRow[] }> {
    requireRole(caller, ...CASE_READERS)
    const forceId = this.readingForce(caller, filter.forceId)
    return this.scoped(caller, async (tx) => {
      const { rows, ...total } = await selectCases(tx, { ...filter, forceId }, order, page)
      return { ...total, cases: await this.redact(tx, caller, rows) }
    })
  }

  /** Everything the filters select, for a download; the download is audited with the filters. */
  async exportRows(
    caller: Caller,
    filter: CaseFilter,
    order: { sort: CaseSort; order: 'asc' | 'desc' },
    format: string,
  ): Promise<CaseListRow[]> {
    requireRole(caller, ...CASE_READERS)
    const forceId = this.readingForce(caller, filter.forceId)
    return this.scoped(caller, async (tx) => {
      const rows = await this.redact(tx, caller, (await selectCases(tx, { ...filter, forceId }, order)).rows)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: caller.scope.kind === 'force' ? caller.scope.forceId : null,
          entityType: CASE_ENTITY,
          action: 'export',
          after: { format, rows: rows.length, filters: filter },
        },
        this.now(),
      )
      return rows
    })
  }

  /** Cases past their target date and not closed, oldest target first. */
  async overdue(caller: Caller, forceId?: number): Promise<CaseListRow[]> {
    requireRole(caller, ...CASE_READERS)
    const force = this.readingForce(caller, forceId)
    return this.scoped(caller, async (tx) => {
      const { rows } = await selectCases(
        tx,
        { forceId: force, overdueOn: londonToday(this.now()) },
        { sort: 'target', order: 'asc' },
      )
      return this.redact(tx, caller, rows)
    })
  }

  private async header(tx: Transaction, caller: Caller, caseId: string): Promise<CaseHeader> {
    if (!z.uuid().safeParse(caseId).success) throw new NotFoundError('No such case')
    const header = await selectHeader(tx, caseId)
    if (!header) throw new NotFoundError('No such case')
    if (caller.scope.kind === 'force' && header.forceId !== caller.scope.forceId)
      throw new NotFoundError('No such case')
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate')
      throw new NotFoundError('No such case')
    return header
  }

  /** A case with its subjects, links, notes and named caseworkers; only that it exists when restricted. */
  async find(caller: Caller, caseId: string): Promise<CaseLookup> {
    requireRole(caller, ...CASE_READERS)
    const found = await this.scoped(caller, async (tx) => {
      const header = await this.header(tx, caller, caseId)
      const found = await selectCaseListRow(tx, caseId)
      const [row] = found ? await this.redact(tx, caller, [found]) : []
      if (!row?.readable) return { restricted: true as const, header }
      return {
        restricted: false as const,
        row,
        subjects: await selectSubjects(tx, caseId),
        links: await selectLinks(tx, caseId),
        notes: await selectNotes(tx, caseId),
        named: await selectNamed(tx, caseId),
      }
    })
    if (found.restricted) return found
    const links: CaseLinkView[] = []
    for (const link of found.links)
      links.push(await this.describeLink(caller, link.entityType, link.entityId))
    const { row, ...rest } = found
    return { restricted: false, detail: { ...rest, case: row, links } }
  }

  async findWithTimeline(
    caller: Caller,
    caseId: string,
  ): Promise<{ lookup: CaseLookup; timeline: TimelineEntry[] }> {
    const lookup = await this.find(caller, caseId)
    if (lookup.restricted) return { lookup, timeline: [] }
    const history = await this.audit.history(caller, CASE_ENTITY, caseId)
    return { lookup, timeline: timelineOf(history, lookup.detail.notes) }
  }

  private async describeLink(caller: Caller, type: CaseLinkType, id: string): Promise<CaseLinkView> {
    const base = {
      entityType: type,
      entityId: id,
      typeLabel: CASE_LINK_LABELS[type],
      href: `${LINK_PATHS[type]}/${id}`,
    }
    try {
      if (type === 'business-interest') {
        const entry = await this.registers.businessInterests.find(caller, id)
        return { ...base, label: `${entry.nature} (${entry.category})` }
      }
      if (type === 'gift-hospitality') {
        const entry = await this.registers.giftsHospitality.find(caller, id)
        return { ...base, label: `${entry.description}, from ${entry.donorName}` }
      }
      const entry = await this.registers.mediaContacts.find(caller, id)
      return { ...base, label: `${entry.journalist}, ${entry.outlet}`, on: entry.contactOn }
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ForbiddenError)
        return { ...base, label: 'A record you cannot see' }
      throw error
    }
  }

  private async entryForce(caller: Caller, type: CaseLinkType, id: string): Promise<number> {
    if (type === 'business-interest')
      return (await this.registers.businessInterests.find(caller, id)).force.id
    if (type === 'gift-hospitality') return (await this.registers.giftsHospitality.find(caller, id)).forceId
    return (await this.registers.mediaContacts.find(caller, id)).forceId
  }

  /**
   * One change to a case the caller may read and run: the change and its audit event in one
   * transaction. A confidential case the caller is not named on is refused; another force's is not found.
   */
  private async change(
    caller: Caller,
    caseId: string,
    action: string,
    work: (tx: Transaction, row: CaseRow) => Promise<Record<string, unknown>>,
  ): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    // Only the force changes its cases (the inspectorate reads them); the command line acts for any force.
    if (caller.actor.type !== 'system')
      this.forceFor(caller, caller.scope.kind === 'force' ? caller.scope.forceId : undefined)
    const now = this.now()
    return this.scoped(caller, async (tx) => {
      const header = await this.header(tx, caller, caseId)
      const row = await this.writableCase(tx, caller, caseId)
      const details = await work(tx, row)
      const [updated] = await tx
        .update(integrityCases)
        .set({ updatedAt: now })
        .where(eq(integrityCases.id, caseId))
        .returning()
      const after = updated ?? row
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: header.forceId,
          entityType: CASE_ENTITY,
          entityId: caseId,
          action,
          after: audited(after, details),
        },
        now,
      )
      return after
    })
  }

  private async setFields(tx: Transaction, caseId: string, values: Partial<CaseRow>) {
    await tx.update(integrityCases).set(values).where(eq(integrityCases.id, caseId))
  }

  /** A case the caller may change: a confidential one only by the caseworkers named on it. */
  private async writableCase(tx: Transaction, caller: Caller, caseId: string): Promise<CaseRow> {
    const row = await selectCase(tx, caseId)
    if (!row) throw new ForbiddenError(RESTRICTED)
    if (row.confidential && caller.actor.type !== 'system') {
      const userId = actingId(caller)
      const named = userId ? await selectNamedCaseIds(tx, userId, [caseId]) : new Set<string>()
      if (!named.has(caseId)) throw new ForbiddenError(RESTRICTED)
    }
    return row
  }

  /**
   * The force of a case the caller may change, read before looking things up in other registers, so
   * that someone not named on a confidential case is refused before their input is even read.
   */
  private async writableCaseForce(caller: Caller, caseId: string): Promise<number> {
    return this.scoped(caller, async (tx) => {
      const { forceId } = await this.header(tx, caller, caseId)
      await this.writableCase(tx, caller, caseId)
      return forceId
    })
  }

  /**
   * Refuses (403, or 404 for another force's case) a caller who may not change the case, before a page
   * looks anything up for them (the members of staff a subject's name matches, say).
   */
  async checkChangeable(caller: Caller, caseId: string): Promise<void> {
    requireRole(caller, ...CASE_KEEPERS)
    await this.writableCaseForce(caller, caseId)
  }

  async addSubject(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = await this.writableCaseForce(caller, caseId)
    const { staffNumber } = parseOrThrow(subjectSchema, input)
    // Other services run their own transactions: look the member up before this one starts.
    const member = await this.roster.findByStaffNumber(caller, forceId, staffNumber)
    if (!member)
      throw new ValidationError({
        staffNumber: `There is no member of staff with staff number ${staffNumber} on the roster`,
      })
    return this.change(caller, caseId, 'add-subject', async (tx, row) => {
      await tx
        .insert(integrityCaseSubjects)
        .values({ caseId, forceId: row.forceId, staffMemberId: member.id, addedAt: this.now() })
        .onConflictDoNothing()
      return { subject: member.staffNumber }
    })
  }

  async removeSubject(caller: Caller, caseId: string, staffMemberId: string): Promise<CaseRow> {
    if (!z.uuid().safeParse(staffMemberId).success)
      throw new ValidationError({ staffMemberId: 'No such subject' })
    return this.change(caller, caseId, 'remove-subject', async (tx) => {
      await tx
        .delete(integrityCaseSubjects)
        .where(
          and(
            eq(integrityCaseSubjects.caseId, caseId),
            eq(integrityCaseSubjects.staffMemberId, staffMemberId),
          ),
        )
      return { removedSubject: staffMemberId }
    })
  }

  /** Links a register entry of the same force: a business interest, a gift or hospitality, a media contact. */
  /**
   * The entries of the case's force's registers in which every word searched for appears, latest
   * first, to choose one to link to the case without typing its identifier. Only for someone who may
   * change the case: another force's case is not found, a confidential one not named to them refused.
   */
  async findRegisterEntries(
    caller: Caller,
    caseId: string,
    input: Record<string, unknown>,
  ): Promise<{ matches: RegisterMatch[]; more: boolean }> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = await this.writableCaseForce(caller, caseId)
    const { q: words, register } = parseOrThrow(registerSearchSchema, input)
    return this.scoped(caller, async (tx) => {
      const rows = await selectRegisterMatches(tx, forceId, words, register, REGISTER_MATCHES_SHOWN + 1)
      const linked = new Set(
        (await selectLinks(tx, caseId)).map((link) => `${link.entityType}/${link.entityId}`),
      )
      const latestFirst = rows.sort(
        (a, b) => b.on.localeCompare(a.on) || a.entityId.localeCompare(b.entityId),
      )
      return {
        matches: latestFirst.slice(0, REGISTER_MATCHES_SHOWN).map((row) => ({
          ...row,
          linked: linked.has(`${row.entityType}/${row.entityId}`),
        })),
        more: latestFirst.length > REGISTER_MATCHES_SHOWN,
      }
    })
  }

  async addLink(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = await this.writableCaseForce(caller, caseId)
    const { entityType, entityId } = parseOrThrow(linkSchema, input)
    const missing = new ValidationError({ entityId: 'There is no such record in your force’s registers' })
    let entryForce: number
    try {
      entryForce = await this.entryForce(caller, entityType, entityId)
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ForbiddenError) throw missing
      throw error
    }
    if (entryForce !== forceId) throw missing
    return this.change(caller, caseId, 'link', async (tx, row) => {
      await tx
        .insert(integrityCaseLinks)
        .values({ caseId, forceId: row.forceId, entityType, entityId, addedAt: this.now() })
        .onConflictDoNothing()
      return { link: { entityType, entityId } }
    })
  }

  async assign(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { userId } = parseOrThrow(userChoiceSchema, input)
    return this.change(caller, caseId, 'assign', async (tx, row) => {
      await this.checkCaseworker(tx, row.forceId, userId, 'userId')
      await this.setFields(tx, caseId, { assignedTo: userId })
      // The caseworker who runs a confidential case must be able to read it.
      if (row.confidential)
        await tx
          .insert(integrityCaseAccess)
          .values({ caseId, forceId: row.forceId, userId, addedAt: this.now() })
          .onConflictDoNothing()
      return { assignedTo: userId }
    })
  }

  async setTarget(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { targetDate } = parseOrThrow(targetSchema, input)
    return this.change(caller, caseId, 'target', async (tx, row) => {
      if (targetDate && targetDate < row.openedOn)
        throw new ValidationError({ targetDate: 'The target date must be on or after the date opened' })
      await this.setFields(tx, caseId, { targetDate })
      return { targetDate }
    })
  }

  async setStatus(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { status } = parseOrThrow(statusSchema, input)
    return this.change(caller, caseId, 'status', async (tx, row) => {
      // Reopening a closed case clears its outcome: the outcome is the closing's.
      await this.setFields(tx, caseId, {
        status,
        ...(row.status === 'closed' ? { outcome: null, closedOn: null } : {}),
      })
      return { status }
    })
  }

  async close(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { outcome, closedOn } = parseOrThrow(closeSchema, input)
    return this.change(caller, caseId, 'close', async (tx, row) => {
      if (row.status === 'closed') throw new ValidationError({ outcome: 'The case is already closed' })
      if (closedOn < row.openedOn)
        throw new ValidationError({ closedOn: 'The date closed must be on or after the date opened' })
      if (closedOn > londonToday(this.now()))
        throw new ValidationError({ closedOn: 'The date closed must be today or in the past' })
      await this.setFields(tx, caseId, { status: 'closed', outcome, closedOn })
      return { status: 'closed', outcome, closedOn }
    })
  }

  async addNote(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { text } = parseOrThrow(noteSchema, input)
    return this.change(caller, caseId, 'note', async (tx, row) => {
      await tx.insert(integrityCaseNotes).values({
        caseId,
        forceId: row.forceId,
        text,
        authorId: caller.principal?.kind === 'user' ? caller.principal.id : null,
        authorLabel: caller.actor.label,
        createdAt: this.now(),
      })
      return { note: text }
    })
  }

  /** Makes a case confidential (naming whoever does it) or open to all the force's caseworkers again. */
  async setConfidential(caller: Caller, caseId: string, confidential: boolean): Promise<CaseRow> {
    return this.change(caller, caseId, confidential ? 'restrict' : 'unrestrict', async (tx, row) => {
      if (confidential && !row.confidential) {
        const named = [
          ...new Set([actingId(caller), row.assignedTo].filter((id) => id && z.uuid().safeParse(id).success)),
        ]
        for (const userId of named as string[])
          await tx
            .insert(integrityCaseAccess)
            .values({ caseId, forceId: row.forceId, userId, addedAt: this.now() })
            .onConflictDoNothing()
      }
      await this.setFields(tx, caseId, { confidential })
      return { confidential }
    })
  }

  /** Names another caseworker on a confidential case. */
  async name(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { userId } = parseOrThrow(userChoiceSchema, input)
    return this.change(caller, caseId, 'name', async (tx, row) => {
      if (!row.confidential)
        throw new ValidationError({ userId: 'Only a confidential case names who may see it' })
      await this.checkCaseworker(tx, row.forceId, userId, 'userId')
      await tx
        .insert(integrityCaseAccess)
        .values({ caseId, forceId: row.forceId, userId, addedAt: this.now() })
        .onConflictDoNothing()
      return { named: userId }
    })
  }

  /** Takes a caseworker off a confidential case; the assigned caseworker and the last one stay. */
  async unname(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { userId } = parseOrThrow(userChoiceSchema, input)
    return this.change(caller, caseId, 'unname', async (tx, row) => {
      const named = await selectNamed(tx, caseId)
      if (userId === row.assignedTo)
        throw new ValidationError({
          userId: 'Assign the case to someone else before taking this caseworker off it',
        })
      if (named.length <= 1)
        throw new ValidationError({ userId: 'A confidential case must name at least one caseworker' })
      await tx
        .delete(integrityCaseAccess)
        .where(and(eq(integrityCaseAccess.caseId, caseId), eq(integrityCaseAccess.userId, userId)))
      return { unnamed: userId }
    })
  }

  /**
   * The figures for a period and census date: cases opened in the period by type, how many of them were
   * continuing at the census date (opened by then and not closed by it), and outcomes of cases closed
   * in the period. Confidential cases count too; only their headers are read.
   */
  async counts(
    caller: Caller,
    forceId: number,
    period: { from: string; to: string; census?: string },
  ): Promise<CaseCounts> {
    return (await this.countsByForce(caller, [forceId], period)).get(forceId) as CaseCounts
  }

  /** `counts` for several forces at once (an inspection's data returns), from one query. Issue #11. */
  async countsByForce(
    caller: Caller,
    forceIds: readonly number[],
    period: { from: string; to: string; census?: string },
  ): Promise<Map<number, CaseCounts>> {
    requireRole(caller, ...CASE_READERS)
    const forces = forceIds.map((forceId) => this.readingForce(caller, forceId) as number)
    const census = period.census ?? period.to
    const facts = forces.length ? await this.scoped(caller, (tx) => selectCaseFacts(tx, forces, period)) : []
    const byForce = new Map<number, typeof facts>(forces.map((forceId) => [forceId, []]))
    for (const fact of facts) byForce.get(fact.forceId)?.push(fact)
    return new Map(
      [...byForce].map(([forceId, rows]) => [
        forceId,
        countCases(rows, { from: period.from, to: period.to, census }),
      ]),
    )
  }

  /**
   * The force dashboard's figures as at `today`: cases not closed by type and status, how many are past
   * their target date (as the overdue list shows them), and how many are confidential. Confidential cases
   * are counted from their headers only: no detail of one leaves here.
   */
  async dashboardCounts(
    caller: Caller,
    forceId: number,
    today: string,
  ): Promise<{
    byTypeAndStatus: { type: CaseType; status: CaseStatus; cases: number }[]
    pastTarget: number
    confidential: number
  }> {
    requireRole(caller, ...CASE_READERS)
    const force = this.readingForce(caller, forceId) as number
    const rows = await this.scoped(caller, (tx) => selectOpenCaseCounts(tx, force, today))
    return {
      byTypeAndStatus: rows.map(({ type, status, cases }) => ({ type, status, cases })),
      pastTarget: rows.reduce((sum, row) => sum + row.pastTarget, 0),
      confidential: rows.reduce((sum, row) => sum + row.confidential, 0),
    }
  }

  /**
   * Notes something on an open confidential case found by its reference, which the caller may change:
   * a report from the confidential reporting line going into a case already open. A case that is not
   * confidential, closed, or that the caller is not named on is refused with a reason for the field.
   */
  async noteOnConfidentialCase(
    caller: Caller,
    reference: string,
    text: string,
    field = 'caseReference',
  ): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = this.forceFor(caller)
    const wanted = reference.trim().toUpperCase()
    const header = await this.scoped(caller, (tx) => selectHeaderByReference(tx, forceId, wanted))
    if (!header) throw new ValidationError({ [field]: `There is no case ${wanted} in this force` })
    if (!header.confidential)
      throw new ValidationError({ [field]: `Case ${wanted} is not confidential: choose a confidential case` })
    if (header.status === 'closed') throw new ValidationError({ [field]: `Case ${wanted} is closed` })
    try {
      return await this.addNote(caller, header.id, { text })
    } catch (error) {
      if (error instanceof ForbiddenError)
        throw new ValidationError({ [field]: `You are not named on case ${wanted}, so you cannot add to it` })
      throw error
    }
  }

  /** A case's reference, status and outcome for another module (a referral's answer); null when not found. */
  async headerFor(caller: Caller, caseId: string): Promise<CaseHeader | null> {
    try {
      return await this.scoped(caller, (tx) => this.header(tx, caller, caseId))
    } catch (error) {
      if (error instanceof NotFoundError) return null
      throw error
    }
  }
}

const ACTIONS: Record<string, string> = {
  open: 'Case opened',
  'add-subject': 'Subject added',
  'remove-subject': 'Subject removed',
  link: 'Register entry linked',
  assign: 'Assigned',
  target: 'Target date changed',
  status: 'Status changed',
  close: 'Closed',
  note: 'Note added',
  restrict: 'Made confidential',
  unrestrict: 'No longer confidential',
  name: 'Caseworker named',
  unname: 'Caseworker taken off',
}

function describe(event: AuditEvent): string | null {
  const after = (event.after ?? {}) as Record<string, unknown>
  if (after.confidential === true && Array.isArray(after.changed)) return null
  if (event.action === 'status') return `Now ${String(after.status)}`
  if (event.action === 'close') return `${String(after.outcome)}, ${String(after.closedOn)}`
  if (event.action === 'target')
    return after.targetDate ? `Target ${String(after.targetDate)}` : 'No target date'
  if (event.action === 'add-subject') return `Staff number ${String(after.subject)}`
  return null
}

/** The case's history and notes together, oldest first. */
export function timelineOf(
  history: AuditEvent[],
  notes: { createdAt: Date; authorLabel: string; text: string }[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = history
    .filter((event) => event.action !== 'note')
    .map((event) => ({
      at: new Date(event.occurredAt),
      who: event.actorLabel,
      what: ACTIONS[event.action] ?? event.action,
      detail: describe(event),
    }))
  for (const note of notes)
    entries.push({ at: new Date(note.createdAt), who: note.authorLabel, what: 'Note', detail: note.text })
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime())
}

export type { CaseSource }
