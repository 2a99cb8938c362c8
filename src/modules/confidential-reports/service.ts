import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, requireRole, SYSTEM_CALLER } from '../../domain/access.js'
import {
  addDays,
  DEFAULT_RETENTION_DAYS,
  keptUntil,
  lastClosedDayDue,
  type ReportStatus,
} from '../../domain/confidential-reports.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { IntegrityCasesService } from '../integrity-cases/service.js'
import { type ArrivedFile, unseal } from './attachments.js'
import { attachSchema, closeSchema, questionSchema, settingsSchema } from './fields.js'
import {
  addDeletedCounts,
  deleteReports,
  forgetSpentTokens,
  insertMessage,
  REPORT_ENTITY,
  selectAttachment,
  selectAttachmentList,
  selectClosedWithoutCase,
  selectDeletedCounts,
  selectMessages,
  selectQueue,
  selectReport,
  selectRetentionDays,
  selectStatusCounts,
  updateReport,
  upsertRetentionDays,
} from './queries.js'
import { type Receipt, ReportingLine } from './reporting-line.js'

/** Who works the queue: the force's anti-corruption caseworkers (and its administrators, who include them). */
export const REPORT_READERS: Role[] = ['force-caseworker']
/** Who sets how long reports are kept. */
export const REPORT_SETTERS: Role[] = ['force-admin']

/**
 * Confidential reports to a force's anti-corruption unit. The unit's side (the queue, a report, what is
 * done with it, how long reports are kept) is here; the reporter's side is in reporting-line.ts, to
 * which the service passes its calls on.
 */
export class ConfidentialReportsService {
  private readonly reportingLine: ReportingLine

  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly cases: IntegrityCasesService,
    /** The reports key (PROBITY_REPORTS_KEY), or null when the installation has none: see ReportingLine. */
    key: Buffer | null,
    private readonly now: () => Date,
  ) {
    this.reportingLine = new ReportingLine(db, forces, key, now)
  }

  // The reporter's side (reporting-line.ts).

  force(code: string): Promise<ForceReference> {
    return this.reportingLine.force(code)
  }

  formToken(force: ForceReference, previous?: string): string {
    return this.reportingLine.formToken(force, previous)
  }

  submit(
    force: ForceReference,
    input: Record<string, unknown>,
    challenge: { token: string; proof?: string },
    files: ArrivedFile[],
  ): Promise<Receipt> {
    return this.reportingLine.submit(force, input, challenge, files)
  }

  receive(
    force: ForceReference,
    input: Record<string, unknown>,
    files: ArrivedFile[],
    options: { nonce?: string; given?: Receipt } = {},
  ): Promise<Receipt | undefined> {
    return this.reportingLine.receive(force, input, files, options)
  }

  openReport(
    force: ForceReference,
    input: { receiptCode?: string; passphrase?: string },
  ): Promise<string | undefined> {
    return this.reportingLine.openReport(force, input)
  }

  reporterView(force: ForceReference, reportId: string) {
    return this.reportingLine.reporterView(force, reportId)
  }

  reply(
    force: ForceReference,
    reportId: string,
    input: Record<string, unknown>,
    files: ArrivedFile[] = [],
  ): Promise<void> {
    return this.reportingLine.reply(force, reportId, input, files)
  }

  // The unit's side.

  private unitForce(caller: Caller): number {
    requireRole(caller, ...REPORT_READERS)
    if (caller.scope.kind !== 'force')
      throw new ForbiddenError('Only the force’s own caseworkers read its reports')
    return caller.scope.forceId
  }

  private scoped<T>(caller: Caller, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, caller.scope, work, actingId(caller))
  }

  private async report(tx: Transaction, forceId: number, reportId: string) {
    if (!z.uuid().safeParse(reportId).success) throw new NotFoundError('No such report')
    const report = await selectReport(tx, forceId, reportId)
    if (!report) throw new NotFoundError('No such report')
    return report
  }

  async queue(caller: Caller, status: ReportStatus) {
    const forceId = this.unitForce(caller)
    return this.scoped(caller, async (tx) => ({
      reports: await selectQueue(tx, forceId, status),
      statusCounts: Object.fromEntries(
        (await selectStatusCounts(tx, forceId)).map((row) => [row.status, row.reports]),
      ),
      deleted: await selectDeletedCounts(tx, forceId),
      retentionDays: (await selectRetentionDays(tx, forceId)) ?? DEFAULT_RETENTION_DAYS,
    }))
  }

  async find(caller: Caller, reportId: string) {
    const forceId = this.unitForce(caller)
    const found = await this.scoped(caller, async (tx) => {
      const { passphraseHash: _hash, ...report } = await this.report(tx, forceId, reportId)
      return {
        report,
        messages: await selectMessages(tx, reportId),
        attachments: await selectAttachmentList(tx, reportId),
        retentionDays: (await selectRetentionDays(tx, forceId)) ?? DEFAULT_RETENTION_DAYS,
      }
    })
    const linkedCase = found.report.caseId ? await this.cases.headerFor(caller, found.report.caseId) : null
    const deletedAfter =
      found.report.status === 'closed' && found.report.closedOn && !found.report.caseId
        ? keptUntil(found.report.closedOn, found.retentionDays)
        : null
    return { ...found, linkedCase, deletedAfter }
  }

  /** One change by the unit to an open report, with its audit event (the action only, never the words). */
  private async change(
    caller: Caller,
    reportId: string,
    action: string,
    work: (tx: Transaction, forceId: number) => Promise<Record<string, unknown> | undefined>,
  ): Promise<void> {
    const forceId = this.unitForce(caller)
    const now = this.now()
    await this.scoped(caller, async (tx) => {
      await this.report(tx, forceId, reportId)
      const after = await work(tx, forceId)
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: REPORT_ENTITY, entityId: reportId, action, after },
        now,
      )
    })
  }

  private async openForWork(tx: Transaction, forceId: number, reportId: string) {
    const report = await this.report(tx, forceId, reportId)
    if (report.status !== 'open') throw new ValidationError({ form: 'This report is no longer open' })
    return report
  }

  async ask(caller: Caller, reportId: string, input: Record<string, unknown>): Promise<void> {
    const { body } = parseOrThrow(questionSchema, input)
    await this.change(caller, reportId, 'ask', async (tx, forceId) => {
      const report = await this.report(tx, forceId, reportId)
      if (report.status === 'closed') throw new ValidationError({ body: 'This report is closed' })
      await insertMessage(tx, {
        reportId,
        forceId,
        author: 'unit',
        authorId: caller.principal?.kind === 'user' ? caller.principal.id : null,
        authorLabel: caller.actor.label,
        body,
        sentOn: londonToday(this.now()),
      })
      return undefined
    })
  }

  /** The attachment's bytes as the reporter sent them, less their metadata; each opening is audited. */
  async attachment(caller: Caller, reportId: string, attachmentId: string) {
    if (!z.uuid().safeParse(attachmentId).success) throw new NotFoundError('No such attachment')
    let found: { filename: string; mediaType: string; data: Buffer } | undefined
    await this.change(caller, reportId, 'open-attachment', async (tx) => {
      const row = await selectAttachment(tx, reportId, attachmentId)
      if (!row) throw new NotFoundError('No such attachment')
      found = {
        filename: row.filename,
        mediaType: row.mediaType,
        data: unseal(this.reportingLine.sealingKey(), row, reportId),
      }
      return { attachment: attachmentId }
    })
    if (!found) throw new NotFoundError('No such attachment')
    return found
  }

  /**
   * The report goes into a new confidential case (source: confidential report) or an open confidential
   * case the caseworker is named on, whose timeline notes it.
   */
  async attachToCase(caller: Caller, reportId: string, input: Record<string, unknown>): Promise<string> {
    const forceId = this.unitForce(caller)
    const choice = parseOrThrow(attachSchema, input)
    const report = await this.scoped(caller, (tx) => this.openForWork(tx, forceId, reportId))
    const note = `Confidential report ${report.receiptCode} (received ${report.receivedOn}) added to the case.`
    const attach = async (tx: Transaction, caseId: string) => {
      await updateReport(tx, reportId, { status: 'attached', caseId })
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: REPORT_ENTITY, entityId: reportId, action: 'attach', after: { caseId } },
        this.now(),
      )
    }
    if (choice.into === 'new') {
      const opened = await this.cases.open(
        caller,
        {
          type: choice.type,
          source: 'confidential report',
          openedOn: londonToday(this.now()),
          summary: choice.summary,
          confidential: true,
        },
        { within: (tx, created) => attach(tx, created.id) },
      )
      return opened.id
    }
    const existing = await this.cases.noteOnConfidentialCase(caller, choice.caseReference, note)
    await this.scoped(caller, (tx) => attach(tx, existing.id))
    return existing.id
  }

  async close(caller: Caller, reportId: string, input: Record<string, unknown>): Promise<void> {
    const { reason } = parseOrThrow(closeSchema, input)
    const closedOn = londonToday(this.now())
    await this.change(caller, reportId, 'close', async (tx, forceId) => {
      await this.openForWork(tx, forceId, reportId)
      await updateReport(tx, reportId, {
        status: 'closed',
        closedReason: reason,
        closedOn,
        closedBy: caller.principal?.id ?? null,
      })
      return { closedOn }
    })
  }

  async retentionDays(caller: Caller): Promise<number> {
    requireRole(caller, ...REPORT_SETTERS)
    const forceId = this.unitForce(caller)
    return this.scoped(
      caller,
      async (tx) => (await selectRetentionDays(tx, forceId)) ?? DEFAULT_RETENTION_DAYS,
    )
  }

  async saveRetentionDays(caller: Caller, input: Record<string, unknown>): Promise<void> {
    requireRole(caller, ...REPORT_SETTERS)
    const forceId = this.unitForce(caller)
    const { retentionDays } = parseOrThrow(settingsSchema, input)
    const now = this.now()
    await this.scoped(caller, async (tx) => {
      await upsertRetentionDays(tx, forceId, retentionDays, now)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId,
          entityType: 'confidential-reporting-settings',
          action: 'update',
          after: { retentionDays },
        },
        now,
      )
    })
  }

  /**
   * Deletes every force's reports closed without a case whose retention has run out (with their
   * messages and attachments), keeping how many by the year they arrived; forgets spent form tokens
   * that have expired. The command line runs it (`probity reports purge`, nightly).
   */
  async purge(caller: Caller = SYSTEM_CALLER): Promise<{ force: string; deleted: number }[]> {
    if (caller.actor.type !== 'system') throw new ForbiddenError()
    const now = this.now()
    const today = londonToday(now)
    const results: { force: string; deleted: number }[] = []
    for (const force of await this.forces.references()) {
      const deleted = await inScope(this.db, { kind: 'force', forceId: force.id }, async (tx) => {
        const days = (await selectRetentionDays(tx, force.id)) ?? DEFAULT_RETENTION_DAYS
        const due = await selectClosedWithoutCase(tx, force.id, lastClosedDayDue(today, days))
        const byYear = new Map<number, number>()
        for (const row of due) {
          const year = Number(row.receivedOn.slice(0, 4))
          byYear.set(year, (byYear.get(year) ?? 0) + 1)
        }
        await deleteReports(
          tx,
          force.id,
          due.map((row) => row.id),
        )
        await addDeletedCounts(tx, force.id, byYear)
        await forgetSpentTokens(tx, force.id, addDays(today, -1))
        if (due.length)
          await appendAuditEvent(
            tx,
            caller.actor,
            { forceId: force.id, entityType: REPORT_ENTITY, action: 'purge', after: { deleted: due.length } },
            now,
          )
        return due.length
      })
      if (deleted) results.push({ force: force.code, deleted })
    }
    return results
  }
}
