import { randomUUID } from 'node:crypto'
import type { Database } from '../../db/connection.js'
import type { Transaction } from '../../db/tenancy.js'
import {
  DIGEST_AFTER_MS,
  deliveryOf,
  MAX_ATTEMPTS,
  type NotificationKind,
  retryDelayMs,
} from '../../domain/notifications.js'
import type { Mailer } from './mailer.js'
import { renderDigestMail, renderEventMail } from './messages.js'
import {
  asNotifier,
  claimDueMessages,
  insertItem,
  type MessageRow,
  markDispatched,
  queueMessage,
  selectChoices,
  selectDueDigestItems,
  selectEmails,
  selectRecipients,
  selectWaitingEvents,
  settleMessage,
} from './queries.js'

export interface WorkerOptions {
  now: () => Date
  /** The site's address, which every link in a message starts with. */
  baseUrl: string
  /** How long a claimed message is this worker's before another may take it (it died, or hangs). */
  leaseMs?: number
  /** How many events, and messages, one round takes at most. */
  batch?: number
  /** What the worker is called in claims (and logs); a fresh id by default. */
  id?: string
  /** Work run before each round's dispatch, e.g. looking for reviews due (the service's scan). */
  beforeRound?: () => Promise<void>
  log?: { warn(details: object, message: string): void }
}

export interface RoundResult {
  dispatched: number
  queued: number
  sent: number
  retried: number
  failed: number
}

const DEFAULT_LEASE_MS = 2 * 60_000

/**
 * The notification queue's worker, of which every server instance runs one. A round (1) works out the
 * recipients of new events and queues a message for each item sent at once, (2) gathers each person's
 * digest once its oldest item is a day old, and (3) claims due messages and sends them. Each step is a
 * short transaction; rows are claimed with FOR UPDATE SKIP LOCKED, so several workers share the work and
 * none takes a row another holds. A message is claimed under a lease before it is sent and marked sent
 * after: a worker that dies between the two leaves its claim to run out, and another sends the message
 * again under the same Message-ID, by which a receiver recognises it (SMTP offers no way to know whether
 * a message accepted just before a crash was kept, so at-least-once with one Message-ID is the best any
 * sender can do).
 */
export class NotificationWorker {
  readonly id: string
  /** No more rounds: stopping, or dead. */
  private stopping = false
  /** Halted: records nothing more, as if its process were killed. */
  private dead = false
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined

  constructor(
    private readonly db: Database,
    private readonly mailer: Mailer,
    private readonly options: WorkerOptions,
  ) {
    this.id = options.id ?? `worker-${randomUUID()}`
  }

  private get batch() {
    return this.options.batch ?? 50
  }

  /** One round of the three steps; what it did. */
  async runOnce(): Promise<RoundResult> {
    await this.options.beforeRound?.()
    const dispatched = await this.dispatch()
    const digests = await this.gatherDigests()
    const sending = await this.send()
    return { dispatched: dispatched.events, queued: dispatched.queued + digests, ...sending }
  }

  /** Rounds every `intervalMs` until stopped; a round's failure is logged and the next one tries again. */
  start(intervalMs: number): void {
    const tick = () => {
      this.running = this.runOnce()
        .catch((error) => this.options.log?.warn({ err: error }, 'a notifications round failed'))
        .finally(() => {
          this.running = undefined
          if (!this.stopping) this.timer = setTimeout(tick, intervalMs)
        })
    }
    this.timer = setTimeout(tick, intervalMs)
  }

  /** Stops after the round in flight, which finishes what it claimed. */
  async stop(): Promise<void> {
    this.stopping = true
    clearTimeout(this.timer)
    await this.running
    this.mailer.close()
  }

  /**
   * Stops dead, recording nothing more, as a killed process would: a message it was sending stays
   * claimed until its lease runs out, then another worker sends it again (same Message-ID).
   */
  halt(): void {
    this.dead = true
    this.stopping = true
    clearTimeout(this.timer)
  }

  private async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T | undefined> {
    if (this.dead) return undefined
    return asNotifier(this.db, work)
  }

  private async dispatch(): Promise<{ events: number; queued: number }> {
    const now = this.options.now()
    const done = await this.transaction(async (tx) => {
      const events = await selectWaitingEvents(tx, this.batch)
      let queued = 0
      for (const event of events) {
        const recipients = await selectRecipients(tx, event)
        const choices = await selectChoices(
          tx,
          recipients.map((recipient) => recipient.id),
        )
        for (const recipient of recipients) {
          const delivery = deliveryOf(choices.get(recipient.id), event.kind as NotificationKind)
          if (delivery === 'off') continue
          const item = await insertItem(tx, {
            eventId: event.id,
            forceId: recipient.forceId,
            userId: recipient.id,
            delivery,
            createdAt: now,
          })
          if (!item || delivery !== 'immediate') continue
          const mail = renderEventMail(this.options.baseUrl, recipient.name, event)
          const queuedId = await queueMessage(
            tx,
            {
              forceId: recipient.forceId,
              userId: recipient.id,
              toAddress: recipient.email,
              ...mail,
              idempotencyKey: `item:${item.id}`,
              runAfter: now,
              createdAt: now,
            },
            [item.id],
          )
          if (queuedId) queued += 1
        }
      }
      if (events.length)
        await markDispatched(
          tx,
          events.map((event) => event.id),
          now,
        )
      return { events: events.length, queued }
    })
    return done ?? { events: 0, queued: 0 }
  }

  private async gatherDigests(): Promise<number> {
    const now = this.options.now()
    const made = await this.transaction(async (tx) => {
      const waiting = await selectDueDigestItems(tx, new Date(now.getTime() - DIGEST_AFTER_MS))
      const byUser = new Map<string, typeof waiting>()
      for (const row of waiting) byUser.set(row.item.userId, [...(byUser.get(row.item.userId) ?? []), row])
      const people = await selectEmails(tx, [...byUser.keys()])
      let queued = 0
      for (const [userId, rows] of byUser) {
        const person = people.get(userId)
        if (!person) continue
        const mail = renderDigestMail(
          this.options.baseUrl,
          person.name,
          rows.map((row) => row.event),
        )
        const first = rows[0]?.item.id
        const queuedId = await queueMessage(
          tx,
          {
            forceId: person.forceId,
            userId,
            toAddress: person.email,
            ...mail,
            idempotencyKey: `digest:${userId}:${first}`,
            runAfter: now,
            createdAt: now,
          },
          rows.map((row) => row.item.id),
        )
        if (queuedId) queued += 1
      }
      return queued
    })
    return made ?? 0
  }

  private async send(): Promise<Pick<RoundResult, 'sent' | 'retried' | 'failed'>> {
    const result = { sent: 0, retried: 0, failed: 0 }
    const now = this.options.now()
    const claimed = await this.transaction((tx) =>
      claimDueMessages(tx, {
        now,
        leaseUntil: new Date(now.getTime() + (this.options.leaseMs ?? DEFAULT_LEASE_MS)),
        workerId: this.id,
        limit: this.batch,
      }),
    )
    for (const message of claimed ?? []) {
      if (this.dead) break
      const outcome = await this.deliver(message)
      if (this.dead) break
      if (outcome) result[outcome] += 1
    }
    return result
  }

  private async deliver(message: MessageRow): Promise<'sent' | 'retried' | 'failed' | undefined> {
    let error: unknown
    try {
      await this.mailer.send({
        messageId: messageIdOf(message.id, this.options.baseUrl),
        to: message.toAddress,
        subject: message.subject,
        text: message.body,
      })
    } catch (caught) {
      error = caught
    }
    // A halted worker is a dead one: whatever the server said, it records nothing.
    if (this.dead) return undefined
    const now = this.options.now()
    const held = this.mailer.kind === 'outbox'
    const outcome =
      error === undefined
        ? ({ status: held ? 'outbox' : 'sent', sentAt: now, lastError: null } as const)
        : message.attempts >= MAX_ATTEMPTS
          ? ({ status: 'failed', lastError: describe(error) } as const)
          : ({
              status: 'queued',
              lastError: describe(error),
              runAfter: new Date(now.getTime() + retryDelayMs(message.attempts)),
            } as const)
    const settled = await asNotifier(this.db, (tx) => settleMessage(tx, message.id, this.id, outcome))
    if (!settled) return undefined
    return error === undefined ? 'sent' : outcome.status === 'failed' ? 'failed' : 'retried'
  }
}

/** The Message-ID of every try of one message: the receiver's way to see a repeat as the same message. */
export function messageIdOf(id: string, baseUrl: string): string {
  return `<${id}@${new URL(baseUrl).hostname}>`
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500)
}
