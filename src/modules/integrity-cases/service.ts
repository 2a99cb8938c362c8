import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import type { Caller } from '../../domain/access.js'
import type { CaseCounts } from '../../domain/cases.js'
import type { AuditService } from '../audit/service.js'
import type { StaffDirectory } from '../gifts-hospitality/service.js'
import { CaseChanges } from './changes.js'
import { ConfidentialCases } from './confidential.js'
import type { OpenCaseInput } from './fields.js'
import { CaseLinks } from './links.js'
import { CaseOpening, type OpenCaseOptions } from './opening.js'
import type { CaseLookup, RegisterMatch, TimelineEntry } from './present.js'
import type { CaseHeader, CaseListRow, CaseRow, CaseSort } from './queries.js'
import { type CaseListFilter, CaseReading } from './reading.js'
import { CasesWorkflow, type RegisterFinders } from './workflow.js'

/**
 * The force's integrity cases: opening them, reading them (the list, one case, the figures), running
 * them (subjects, links to register entries, assignment, status, closing, notes) and who may see a
 * confidential one. Each of those is a workflow of its own (opening.ts, reading.ts, links.ts,
 * changes.ts, confidential.ts); this is what the routes and the other modules call.
 */
export class IntegrityCasesService extends CasesWorkflow {
  private readonly caseOpening: CaseOpening
  private readonly caseReading: CaseReading
  private readonly caseLinks: CaseLinks
  private readonly caseChanges: CaseChanges
  private readonly confidentialCases: ConfidentialCases

  constructor(
    db: Database,
    roster: StaffDirectory,
    audit: AuditService,
    registers: RegisterFinders,
    now: () => Date,
  ) {
    const context = { db, roster, audit, registers, now }
    super(context)
    this.caseOpening = new CaseOpening(context)
    this.caseLinks = new CaseLinks(context)
    this.caseReading = new CaseReading(context, this.caseLinks)
    this.caseChanges = new CaseChanges(context)
    this.confidentialCases = new ConfidentialCases(context)
  }

  // --- opening and reading ------------------------------------------------------------------------

  caseworkers(caller: Caller, forceId?: number) {
    return this.caseReading.caseworkers(caller, forceId)
  }

  open(
    caller: Caller,
    input: OpenCaseInput | Record<string, unknown>,
    options: OpenCaseOptions = {},
  ): Promise<CaseRow> {
    return this.caseOpening.open(caller, input, options)
  }

  list(
    caller: Caller,
    filter: CaseListFilter,
    order: { sort: CaseSort; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ): Promise<ListTotal & { cases: CaseListRow[] }> {
    return this.caseReading.list(caller, filter, order, page)
  }

  exportRows(
    caller: Caller,
    filter: CaseListFilter,
    order: { sort: CaseSort; order: 'asc' | 'desc' },
    format: string,
  ): Promise<CaseListRow[]> {
    return this.caseReading.exportRows(caller, filter, order, format)
  }

  overdue(caller: Caller, forceId?: number): Promise<CaseListRow[]> {
    return this.caseReading.overdue(caller, forceId)
  }

  find(caller: Caller, caseId: string): Promise<CaseLookup> {
    return this.caseReading.find(caller, caseId)
  }

  findWithTimeline(
    caller: Caller,
    caseId: string,
  ): Promise<{ lookup: CaseLookup; timeline: TimelineEntry[] }> {
    return this.caseReading.findWithTimeline(caller, caseId)
  }

  headerFor(caller: Caller, caseId: string): Promise<CaseHeader | null> {
    return this.caseReading.headerFor(caller, caseId)
  }

  // --- running a case -----------------------------------------------------------------------------

  checkChangeable(caller: Caller, caseId: string): Promise<void> {
    return this.caseChanges.checkChangeable(caller, caseId)
  }

  addSubject(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.caseChanges.addSubject(caller, caseId, input)
  }

  removeSubject(caller: Caller, caseId: string, staffMemberId: string): Promise<CaseRow> {
    return this.caseChanges.removeSubject(caller, caseId, staffMemberId)
  }

  findRegisterEntries(
    caller: Caller,
    caseId: string,
    input: Record<string, unknown>,
  ): Promise<{ matches: RegisterMatch[]; more: boolean }> {
    return this.caseLinks.findRegisterEntries(caller, caseId, input)
  }

  addLink(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.caseLinks.addLink(caller, caseId, input)
  }

  assign(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.caseChanges.assign(caller, caseId, input)
  }

  setTarget(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.caseChanges.setTarget(caller, caseId, input)
  }

  setStatus(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.caseChanges.setStatus(caller, caseId, input)
  }

  close(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.caseChanges.close(caller, caseId, input)
  }

  addNote(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.caseChanges.addNote(caller, caseId, input)
  }

  noteOnConfidentialCase(caller: Caller, reference: string, text: string, field?: string): Promise<CaseRow> {
    return this.caseChanges.noteOnConfidentialCase(caller, reference, text, field)
  }

  // --- who may see a confidential case ------------------------------------------------------------

  setConfidential(caller: Caller, caseId: string, confidential: boolean): Promise<CaseRow> {
    return this.confidentialCases.setConfidential(caller, caseId, confidential)
  }

  name(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.confidentialCases.name(caller, caseId, input)
  }

  unname(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    return this.confidentialCases.unname(caller, caseId, input)
  }

  // --- figures ------------------------------------------------------------------------------------

  counts(
    caller: Caller,
    forceId: number,
    period: { from: string; to: string; census?: string },
  ): Promise<CaseCounts> {
    return this.caseReading.counts(caller, forceId, period)
  }

  countsByForce(
    caller: Caller,
    forceIds: readonly number[],
    period: { from: string; to: string; census?: string },
  ): Promise<Map<number, CaseCounts>> {
    return this.caseReading.countsByForce(caller, forceIds, period)
  }

  dashboardCounts(caller: Caller, forceId: number, today: string) {
    return this.caseReading.dashboardCounts(caller, forceId, today)
  }
}
