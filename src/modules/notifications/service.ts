import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  type Delivery,
  deliveryOf,
  kindsFor,
  NOTIFICATION_RULES,
  type NotificationChoices,
  type NotificationKind,
  parseChoices,
} from '../../domain/notifications.js'
import type { BusinessInterestsService } from '../business-interests/service.js'
import type { PoliciesService } from '../policies/service.js'
import { type NotificationEvent, recordNotificationEvent } from './events.js'
import { createMailer, type Mailer, type MailSettings } from './mailer.js'
import {
  asNotifier,
  type MessageRow,
  selectForcesWithUsers,
  selectMessage,
  selectOutbox,
  selectOwnChoices,
  upsertChoices,
} from './queries.js'
import { NotificationWorker, type WorkerOptions } from './worker.js'

export interface NotificationSettings extends MailSettings {
  /** The site's public address, e.g. https://probity.force.example: every link in a message starts with it. */
  baseUrl: string
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  baseUrl: 'http://localhost:3000',
  from: 'Probity <probity@localhost>',
}

/** Who reads the outbox: a force's administrators (their people's messages) and the inspectorate's. */
export const OUTBOX_READERS = ['force-admin', 'inspectorate-admin'] as const

export interface PreferenceRow {
  kind: NotificationKind
  label: string
  delivery: Delivery
}

/** The due and overdue lists a scan reads, through their own modules' services. */
export interface DueSources {
  businessInterests: BusinessInterestsService
  policies: PoliciesService
}

/** The command line's rights within one force: the scan reads each force's lists in its own scope. */
function forceSystemCaller(forceId: number): Caller {
  return {
    principal: null,
    actor: { type: 'system', id: null, label: 'probity notifications', ipAddress: null },
    scope: { kind: 'force', forceId },
  }
}

/** Email notifications: each person's preferences, the administrators' outbox, and the queue's worker. */
export class NotificationsService {
  readonly mailer: Mailer

  constructor(
    private readonly db: Database,
    private readonly sources: DueSources,
    readonly now: () => Date,
    readonly settings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS,
  ) {
    this.mailer = createMailer(settings)
  }

  private own(caller: Caller): {
    userId: string
    forceId: number | null
    role: NonNullable<Caller['principal']>['role']
  } {
    const principal = caller.principal
    if (principal?.kind !== 'user') throw new ForbiddenError('Only a person chooses their emails')
    return { userId: principal.id, forceId: principal.forceId, role: principal.role }
  }

  /** The kinds the caller may hear of, each with how they hear of it now. */
  async preferences(caller: Caller): Promise<PreferenceRow[]> {
    const { userId, role } = this.own(caller)
    const choices = await inScope(this.db, caller.scope, (tx) => selectOwnChoices(tx, userId))
    return kindsFor(role).map((kind) => ({
      kind,
      label: NOTIFICATION_RULES[kind].label,
      delivery: deliveryOf(choices, kind),
    }))
  }

  async savePreferences(caller: Caller, input: Record<string, unknown>): Promise<NotificationChoices> {
    const { userId, forceId, role } = this.own(caller)
    const { choices, errors } = parseChoices(role, input)
    if (Object.keys(errors).length) throw new ValidationError(errors)
    await inScope(this.db, caller.scope, (tx) =>
      upsertChoices(tx, { userId, forceId, choices, updatedAt: this.now() }),
    )
    return choices
  }

  private outboxForce(caller: Caller): number | null {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    if (caller.scope.kind === 'force') return caller.scope.forceId
    if (caller.scope.kind === 'inspectorate') return null
    throw new ForbiddenError()
  }

  /** The messages to the caller's own people (a force's, or the inspectorate's), newest first. */
  async outbox(caller: Caller): Promise<MessageRow[]> {
    const forceId = this.outboxForce(caller)
    return inScope(this.db, caller.scope, (tx) => selectOutbox(tx, forceId))
  }

  async message(caller: Caller, id: string): Promise<MessageRow> {
    const forceId = this.outboxForce(caller)
    const found = await inScope(this.db, caller.scope, (tx) => selectMessage(tx, id, forceId))
    if (!found) throw new NotFoundError('No such message')
    return found
  }

  /**
   * Records an event for every review or expiry of a second job due within the usual window and every
   * acknowledgement past its deadline, in each force with accounts. Each is one event by its key (the
   * interest and its due date; the version and the person), so scanning again tells no one twice.
   */
  async scanDue(): Promise<number> {
    const forceIds = await asNotifier(this.db, selectForcesWithUsers)
    let recorded = 0
    for (const forceId of forceIds) {
      const caller = forceSystemCaller(forceId)
      const events: NotificationEvent[] = []
      for (const interest of await this.sources.businessInterests.reviewsDue(caller)) {
        const review = interest.reviewDate ?? ''
        const expiry = interest.expiryDate ?? ''
        const expiryFirst = expiry !== '' && (review === '' || expiry < review)
        const dueOn = expiryFirst ? expiry : review
        events.push({
          forceId,
          kind: 'review-due',
          eventKey: `${interest.id}:${dueOn}`,
          audience: 'caseworkers',
          path: `/business-interests/${interest.id}`,
          details: {
            what: expiryFirst ? 'expiry' : 'review',
            dueOn,
            nature: interest.nature,
            staffName: interest.staffMember.name,
            staffNumber: interest.staffMember.staffNumber,
          },
        })
      }
      for (const overdue of await this.sources.policies.reminders(caller, forceId))
        events.push({
          forceId,
          kind: 'acknowledgement-overdue',
          eventKey: `${overdue.versionId}:${overdue.staffMemberId}`,
          audience: 'staff',
          staffMemberId: overdue.staffMemberId,
          path: '/policies/mine',
          details: {
            policyTitle: overdue.policyTitle,
            version: String(overdue.number),
            dueOn: overdue.dueOn,
          },
        })
      if (!events.length) continue
      const now = this.now()
      await inScope(this.db, caller.scope, async (tx) => {
        for (const event of events) await recordNotificationEvent(tx, event, now)
      })
      recorded += events.length
    }
    return recorded
  }

  /** A worker over this database and mailer; the server starts one, tests several. */
  createWorker(options: Partial<WorkerOptions> & { mailer?: Mailer } = {}): NotificationWorker {
    return new NotificationWorker(this.db, options.mailer ?? this.mailer, {
      now: this.now,
      baseUrl: this.settings.baseUrl,
      ...options,
    })
  }
}
