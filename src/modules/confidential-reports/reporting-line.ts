import { hkdfSync, randomBytes } from 'node:crypto'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import {
  checkFormToken,
  formTokenReusable,
  issueFormToken,
  newPassphrase,
  newReceiptCode,
  typedPassphrase,
  typedReceiptCode,
} from '../../domain/confidential-reports.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { hashPassword, verifyDecoy, verifyPassword } from '../identity/passwords.js'
import {
  type ArrivedFile,
  AttachmentRefused,
  type CleanAttachment,
  cleanAttachments,
  seal,
} from './attachments.js'
import { replySchema, reportSchema } from './fields.js'
import {
  insertAttachment,
  insertMessage,
  insertReport,
  REPORT_ENTITY,
  selectAttachmentList,
  selectMessages,
  selectReport,
  selectReportByReceipt,
  spendFormToken,
} from './queries.js'

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

/**
 * The reporter's side of a force's confidential reporting line: the form and its challenge, a report
 * kept with its files, and the reporter's return with their receipt code and passphrase to read the
 * unit's questions and answer them.
 */
export class ReportingLine {
  private readonly formSecret: string
  private readonly key: Buffer | null

  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
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
  sealingKey(): Buffer {
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
      await insertAttachment(tx, {
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
        const taken = await insertReport(tx, {
          forceId: force.id,
          receiptCode,
          passphraseHash,
          reporterName: values.name,
          account: values.account,
          receivedOn: today,
        })
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
      await insertMessage(tx, {
        reportId,
        forceId: force.id,
        author: 'reporter',
        body,
        sentOn: londonToday(now),
      })
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
}
