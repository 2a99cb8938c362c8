import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import { CATALOGUES, type Message } from '../../web/i18n/catalogue.js'
import { appendAuditEvent } from '../audit/service.js'
import { selectApprovals, upsertApproval } from './queries.js'

export const TRANSLATION_ENTITY = 'welsh-translation'

/** A Welsh string of the catalogue beside its English, and who approved it as worded now, if anyone. */
export interface WelshString {
  key: string
  english: string
  welsh: string
  approved: { by: string; at: Date } | null
}

/** A message as one text: a plural message as its JSON, which is how an approval records it. */
export function messageText(message: Message | undefined): string {
  return typeof message === 'string' ? message : JSON.stringify(message ?? '')
}

const approvalInput = z.object({ key: z.string().trim().min(1).max(200), welsh: z.string().max(5000) })

/**
 * The review of the Welsh catalogue. Its strings may start machine-drafted: each is for review until
 * an inspectorate administrator approves it, and approving records who, when and the exact words in
 * the audit trail. A string whose words changed since is for review again.
 */
export class TranslationsService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async strings(caller: Caller): Promise<WelshString[]> {
    requireRole(caller, 'inspectorate-admin')
    const approvals = new Map(
      (await inScope(this.db, caller.scope, (tx) => selectApprovals(tx))).map((row) => [row.key, row]),
    )
    return Object.entries(CATALOGUES.cy).map(([key, message]) => {
      const welsh = messageText(message)
      const approval = approvals.get(key)
      return {
        key,
        english: messageText(CATALOGUES.en[key]),
        welsh,
        approved:
          approval && approval.welsh === welsh
            ? { by: approval.approvedByLabel, at: approval.approvedAt }
            : null,
      }
    })
  }

  /** Approves a string as the administrator read it: refused if its words changed since. */
  async approve(caller: Caller, input: unknown): Promise<{ key: string }> {
    requireRole(caller, 'inspectorate-admin')
    const { key, welsh } = parseOrThrow(approvalInput, input)
    const message = CATALOGUES.cy[key]
    if (message === undefined) throw new ValidationError({ key: `The Welsh catalogue has no string ${key}` })
    if (messageText(message) !== welsh)
      throw new ValidationError({
        welsh: `The Welsh for ${key} has changed since the page was shown: read it again before approving`,
      })
    const now = this.now()
    await inScope(this.db, caller.scope, async (tx) => {
      await upsertApproval(tx, {
        key,
        welsh,
        approvedBy: userIdOf(caller),
        approvedByLabel: caller.actor.label,
        approvedAt: now,
      })
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId: null, entityType: TRANSLATION_ENTITY, entityId: key, action: 'approve', after: { welsh } },
        now,
      )
    })
    return { key }
  }
}
