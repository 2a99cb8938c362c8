import { hkdfSync, randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Actor, actingId, type Caller, requireRole, SYSTEM_CALLER } from '../../domain/access.js'
import {
  addDays,
  checkFormToken,
  DEFAULT_RETENTION_DAYS,
  formTokenReusable,
  issueFormToken,
  keptUntil,
  lastClosedDayDue,
  newPassphrase,
  newReceiptCode,
  type ReportStatus,
  typedPassphrase,
  typedReceiptCode,
} from '../../domain/confidential-reports.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { hashPassword, verifyDecoy, verifyPassword } from '../identity/passwords.js'
import type { IntegrityCasesService } from '../integrity-cases/service.js'
import {
  type ArrivedFile,
  AttachmentRefused,
  type CleanAttachment,
  cleanAttachments,
  seal,
  unseal,
} from './attachments.js'
import {
  attachSchema,
  closeSchema,
  questionSchema,
  replySchema,
  reportSchema,
  settingsSchema,
} from './fields.js'
import {
  addDeletedCounts,
  deleteReports,
  forgetSpentTokens,
  selectAttachment,
  selectAttachmentList,
  selectClosedWithoutCase,
  selectDeletedCounts,
  selectMessages,
  selectQueue,
  selectReport,
  selectReportByReceipt,
  selectRetentionDays,
  selectStatusCounts,
  spendFormToken,
  upsertRetentionDays,
} from './queries.js'
import { confidentialReportAttachments, confidentialReportMessages, confidentialReports } from './schema.js'

/** Who works the queue: the force's anti-corruption caseworkers (and its administrators, who include them). */
export const REPORT_READERS: Role[] = ['force-caseworker']
/** Who sets how long reports are kept. */
export const REPORT_SETTERS: Role[] = ['force-admin']

export const REPORT_ENTITY = 'confidential-report'

/**
 * The reporter's side acts as no one: no user, no address. Only this actor writes the audit events of
 * a report's arrival and the reporter's answers, so the trail holds nothing that identifies them.
 */
const REPORTER: Actor = { type: 'anonymous', id: null, label: 'confidential reporter', ipAddress: null }

const CHALLENGE_MESSAGES = {
  invalid: 'The form could not be checked: it has been reset, so send it again',
  'too-soon': `The form was sent too quickly after it was opened. Check your report and send it again`,
  expired: 'The form was open too long: it has been reset, so send it again',
  spent: 'This form has already been sent. If you meant to send another report, send this one again',
} as const

export interface Receipt {
  receiptCode: string
  passphrase: string
}

export class ConfidentialReportsService {
  private readonly formSecret: string
  private readonly key: Buffer | null

  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly cases: IntegrityCasesService,
    /**
     * AES-256 key that seals attachments (PROBITY_REPORTS_KEY), from which the form tokens' key is
     * derived; null when the installation has none, so reports take no files.
     */
    key: Buffer | null,
    private readonly now: () => Date,
  ) {
    this.key = key
    // Without a key, the form tokens are signed with one of this process's own.
    this.formSecret = Buffer.from(
      hkdfSync('sha256', key ?? randomBytes(32), '', 'probity confidential report form', 32),
    ).toString('base64url')
  }

  /** The attachments' key, or the reason there is none. */
  private sealingKey(): Buffer {
    if (!this.key)
      throw new ValidationError({
        attachments:
          'This reporting line cannot take files yet: send your report without them, and describe what they show',
      })
    return this.key
  }

  /** The files cleaned of their metadata, or the reason one is refused (as the form's error). */
  private async cleaned(files: ArrivedFile[]): Promise<CleanAttachment[]> {
    if (files.length) this.sealingKey()
    try {
      return await cleanAttachments(files)
    } catch (error) {
      if (error instanceof AttachmentRefused) throw new ValidationError({ attachments: error.message })
      throw error
    }
  }

  /** Seals and stores cleaned files with their report, in the report's transaction. */
  private async keepAttachments(
    tx: Transaction,
    forceId: number,
    reportId: string,
    cleaned: CleanAttachment[],
  ): Promise<void> {
    for (const file of cleaned)
      await tx.insert(confidentialReportAttachments).values({
        reportId,
        forceId,
        filename: file.filename,
        mediaType: file.mediaType,
        bytes: file.data.length,
        ...seal(this.sealingKey(), file.data, reportId),
      })
  }

  /** A force's reporting line; another's code or none is not found. */
  async force(code: string): Promise<ForceReference> {
    const force = (await this.forces.references()).find((candidate) => candidate.code === code)
    if (!force) throw new NotFoundError('No such force')
    return force
  }

  /** The reporter's visit runs in the force's scope, where their report is: row-level security keeps them there. */
  private asReporter<T>(forceId: number, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, { kind: 'force', forceId }, work)
  }

  /** A token for the force's report form: the one it had when shown again, unless that one is no use. */
  formToken(force: ForceReference, previous?: string): string {
    const now = this.now()
    if (previous && formTokenReusable(this.formSecret, force.code, previous, now)) return previous
    return issueFormToken(this.formSecret, force.code, now)
  }

  /**
   * Takes a report from the public form: the form's challenge met (a signed token old enough, and
   * spent once), then as `receive`. Answers with the receipt code and passphrase, shown once.
   */
  async submit(
    force: ForceReference,
    input: Record<string, unknown>,
    challenge: { token: string; proof?: string },
    files: ArrivedFile[],
  ): Promise<Receipt> {
    const values = parseOrThrow(reportSchema, input)
    const check = checkFormToken(this.formSecret, force.code, challenge.token, challenge.proof, this.now())
    if (!check.ok) throw new ValidationError({ form: CHALLENGE_MESSAGES[check.reason] })
    const receipt = await this.receive(force, values, files, { nonce: check.nonce })
    if (!receipt) throw new Error('Could not find an unused receipt code')
    return receipt
  }

  /**
   * Keeps a report: the account checked, every attachment cleaned of its metadata and sealed, the
   * passphrase hashed. The demo gives its own receipt code and passphrase (undefined when it is there
   * already); the form gets fresh ones, and its token is spent in the same transaction.
   */
  async receive(
    force: ForceReference,
    input: Record<string, unknown>,
    files: ArrivedFile[],
    options: { nonce?: string; given?: Receipt } = {},
  ): Promise<Receipt | undefined> {
    const now = this.now()
    const values = parseOrThrow(reportSchema, input)
    const cleaned = await this.cleaned(files)
    const passphrase = options.given?.passphrase ?? newPassphrase()
    const passphraseHash = await hashPassword(passphrase)
    const today = londonToday(now)
    // A fresh receipt code already given (one in a trillion) is replaced; the token is spent only with a report.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const receiptCode = options.given?.receiptCode ?? newReceiptCode()
      const stored = await this.asReporter(force.id, async (tx) => {
        const [taken] = await tx
          .insert(confidentialReports)
          .values({
            forceId: force.id,
            receiptCode,
            passphraseHash,
            reporterName: values.name,
            account: values.account,
            receivedOn: today,
          })
          .onConflictDoNothing()
          .returning({ id: confidentialReports.id })
        if (!taken) return false
        // Spent with the report, or not at all: a form sent twice keeps only the first (the second rolls back).
        if (options.nonce && !(await spendFormToken(tx, force.id, options.nonce, today)))
          throw new ValidationError({ form: CHALLENGE_MESSAGES.spent })
        await this.keepAttachments(tx, force.id, taken.id, cleaned)
        await appendAuditEvent(
          tx,
          REPORTER,
          {
            forceId: force.id,
            entityType: REPORT_ENTITY,
            entityId: taken.id,
            action: 'receive',
            after: { named: values.name !== null, attachments: cleaned.length },
          },
          now,
        )
        return true
      })
      if (stored) return { receiptCode, passphrase }
      if (options.given) return undefined
    }
    return undefined
  }

  /**
   * The report a receipt code and passphrase open, or undefined: the same answer, after the same work,
   * whether the code is unknown or the passphrase wrong.
   */
  async openReport(
    force: ForceReference,
    input: { receiptCode?: string; passphrase?: string },
  ): Promise<string | undefined> {
    const receiptCode = typedReceiptCode(input.receiptCode ?? '')
    const passphrase = typedPassphrase(input.passphrase ?? '')
    const found = receiptCode
      ? await this.asReporter(force.id, (tx) => selectReportByReceipt(tx, force.id, receiptCode))
      : undefined
    if (!found || !passphrase) {
      await verifyDecoy(passphrase ?? '')
      return undefined
    }
    return (await verifyPassword(found.passphraseHash, passphrase)) ? found.id : undefined
  }

  /** What the reporter sees of their report: what they sent, and the questions and answers since. */
  async reporterView(force: ForceReference, reportId: string) {
    return this.asReporter(force.id, async (tx) => {
      const report = await selectReport(tx, force.id, reportId)
      if (!report) throw new NotFoundError('The report is no longer held')
      return {
        report: {
          receiptCode: report.receiptCode,
          receivedOn: report.receivedOn,
          account: report.account,
          status: report.status,
        },
        named: report.reporterName !== null,
        messages: (await selectMessages(tx, reportId)).map(({ author, body, sentOn }) => ({
          author,
          body,
          sentOn,
        })),
        attachments: (await selectAttachmentList(tx, reportId)).map(({ filename }) => ({ filename })),
      }
    })
  }

  /**
   * The reporter answers (or adds to their report), with files if they have more to show, cleaned and
   * sealed as a report's are; refused once the report is closed.
   */
  async reply(
    force: ForceReference,
    reportId: string,
    input: Record<string, unknown>,
    files: ArrivedFile[] = [],
  ): Promise<void> {
    const { body } = parseOrThrow(replySchema, input)
    const cleaned = await this.cleaned(files)
    const now = this.now()
    await this.asReporter(force.id, async (tx) => {
      const report = await selectReport(tx, force.id, reportId)
      if (!report) throw new NotFoundError('The report is no longer held')
      if (report.status === 'closed')
        throw new ValidationError({ body: 'The unit has closed this report, so it takes no more answers' })
      await tx
        .insert(confidentialReportMessages)
        .values({ reportId, forceId: force.id, author: 'reporter', body, sentOn: londonToday(now) })
      await this.keepAttachments(tx, force.id, reportId, cleaned)
      await appendAuditEvent(
        tx,
        REPORTER,
        {
          forceId: force.id,
          entityType: REPORT_ENTITY,
          entityId: reportId,
          action: 'answer',
          after: cleaned.length ? { attachments: cleaned.length } : undefined,
        },
        now,
      )
    })
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
      await tx.insert(confidentialReportMessages).values({
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
        data: unseal(this.sealingKey(), row, reportId),
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
      await tx
        .update(confidentialReports)
        .set({ status: 'attached', caseId })
        .where(eq(confidentialReports.id, reportId))
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
      await tx
        .update(confidentialReports)
        .set({ status: 'closed', closedReason: reason, closedOn, closedBy: caller.principal?.id ?? null })
        .where(eq(confidentialReports.id, reportId))
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
