import type { ListTotal } from '../../db/counting.js'
import type { Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, requireRole } from '../../domain/access.js'
import { type CaseCounts, type CaseStatus, type CaseType, countCases } from '../../domain/cases.js'
import { NotFoundError } from '../../domain/errors.js'
import { appendAuditEvent } from '../audit/service.js'
import { londonToday } from './fields.js'
import type { CaseLinks } from './links.js'
import { type CaseLinkView, type CaseLookup, type TimelineEntry, timelineOf } from './present.js'
import {
  type CaseFilter,
  type CaseHeader,
  type CaseListRow,
  type CaseSort,
  headerOnly,
  selectCaseFacts,
  selectCaseListRow,
  selectCases,
  selectCaseworkers,
  selectLinks,
  selectNamed,
  selectNamedCaseIds,
  selectNotes,
  selectOpenCaseCounts,
  selectSubjects,
} from './queries.js'
import { CASE_ENTITY, CASE_KEEPERS, CASE_READERS, type CasesContext, CasesWorkflow } from './workflow.js'

/** A list's filter as people set it: "overdue" is as of the service's own day (London's, by its clock). */
export type CaseListFilter = Omit<CaseFilter, 'overdueOn'> & { overdue?: boolean }

/** Reading the force's cases: the list and its download, one case with its timeline, and the figures. */
export class CaseReading extends CasesWorkflow {
  constructor(
    context: CasesContext,
    private readonly links: CaseLinks,
  ) {
    super(context)
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

  /** The force's caseworkers and administrators, to assign or name on a case. */
  async caseworkers(caller: Caller, forceId?: number) {
    requireRole(caller, ...CASE_KEEPERS)
    const force = this.forceFor(caller, forceId)
    return this.scoped(caller, (tx) => selectCaseworkers(tx, force))
  }

  async list(
    caller: Caller,
    filter: CaseListFilter,
    order: { sort: CaseSort; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ): Promise<ListTotal & { cases: CaseListRow[] }> {
    requireRole(caller, ...CASE_READERS)
    const forceId = this.readingForce(caller, filter.forceId)
    return this.scoped(caller, async (tx) => {
      const { rows, ...total } = await selectCases(tx, { ...this.asOfToday(filter), forceId }, order, page)
      return { ...total, cases: await this.redact(tx, caller, rows) }
    })
  }

  /** Everything the filters select, for a download; the download is audited with the filters. */
  async exportRows(
    caller: Caller,
    filter: CaseListFilter,
    order: { sort: CaseSort; order: 'asc' | 'desc' },
    format: string,
  ): Promise<CaseListRow[]> {
    requireRole(caller, ...CASE_READERS)
    const forceId = this.readingForce(caller, filter.forceId)
    return this.scoped(caller, async (tx) => {
      const selected = await selectCases(tx, { ...this.asOfToday(filter), forceId }, order)
      const rows = await this.redact(tx, caller, selected.rows)
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
      const { rows } = await selectCases(tx, this.asOfToday({ forceId: force, overdue: true }), {
        sort: 'target',
        order: 'asc',
      })
      return this.redact(tx, caller, rows)
    })
  }

  private asOfToday({ overdue, ...filter }: CaseListFilter): CaseFilter {
    return overdue ? { ...filter, overdueOn: londonToday(this.now()) } : filter
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
      links.push(await this.links.describeLink(caller, link.entityType, link.entityId))
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

  /** A case's reference, status and outcome for another module (a referral's answer); null when not found. */
  async headerFor(caller: Caller, caseId: string): Promise<CaseHeader | null> {
    try {
      return await this.scoped(caller, (tx) => this.header(tx, caller, caseId))
    } catch (error) {
      if (error instanceof NotFoundError) return null
      throw error
    }
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
}
