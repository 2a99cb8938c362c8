import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm'
import { type Database, queryRows } from '../../db/connection.js'
import type { Transaction } from '../../db/tenancy.js'
import type { NotificationChoices } from '../../domain/notifications.js'
import { users } from '../identity/schema.js'
import {
  notificationEvents,
  notificationItems,
  notificationMessages,
  notificationPreferences,
} from './schema.js'

export type EventRow = typeof notificationEvents.$inferSelect
export type MessageRow = typeof notificationMessages.$inferSelect
export type ItemRow = typeof notificationItems.$inferSelect

/**
 * Runs the worker's work in one transaction under the 'notifier' scope (migration 0046): it reaches the
 * notification tables of every force and reads users, and nothing else of any force.
 */
export function asNotifier<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('app.scope', 'notifier', true), set_config('app.force_id', '', true), set_config('app.user_id', 'system', true), set_config('role', 'probity_app', true)`,
    )
    return work(tx)
  })
}

/** Events whose recipients are not yet worked out, oldest first; another worker's are skipped. */
export function selectWaitingEvents(tx: Transaction, limit: number): Promise<EventRow[]> {
  return tx
    .select()
    .from(notificationEvents)
    .where(isNull(notificationEvents.dispatchedAt))
    .orderBy(asc(notificationEvents.occurredAt))
    .limit(limit)
    .for('update', { skipLocked: true })
}

export interface Recipient {
  id: string
  email: string
  name: string
  role: (typeof users.$inferSelect)['role']
  forceId: number | null
}

/**
 * Who an event is addressed to, among accounts not disabled: its force's caseworkers (and administrators),
 * the account of the member of staff it concerns, or the inspectorate's inspectors. Never another force's.
 */
export function selectRecipients(tx: Transaction, event: EventRow): Promise<Recipient[]> {
  const audience =
    event.audience === 'inspectors'
      ? and(isNull(users.forceId), inArray(users.role, ['inspector', 'inspectorate-admin', 'researcher']))
      : event.audience === 'staff'
        ? and(eq(users.forceId, event.forceId), eq(users.staffMemberId, event.staffMemberId ?? sql`null`))
        : and(eq(users.forceId, event.forceId), inArray(users.role, ['force-caseworker', 'force-admin']))
  return tx
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, forceId: users.forceId })
    .from(users)
    .where(and(audience, isNull(users.disabledAt)))
    .orderBy(asc(users.email))
}

export async function selectChoices(
  tx: Transaction,
  userIds: string[],
): Promise<Map<string, NotificationChoices>> {
  if (!userIds.length) return new Map()
  const rows = await tx
    .select({ userId: notificationPreferences.userId, choices: notificationPreferences.choices })
    .from(notificationPreferences)
    .where(inArray(notificationPreferences.userId, userIds))
  return new Map(rows.map((row) => [row.userId, row.choices as NotificationChoices]))
}

/** One item per event and recipient (the unique index makes a second dispatch add none): the new one, if any. */
export async function insertItem(
  tx: Transaction,
  values: typeof notificationItems.$inferInsert,
): Promise<ItemRow | undefined> {
  const [row] = await tx
    .insert(notificationItems)
    .values(values)
    .onConflictDoNothing({ target: [notificationItems.eventId, notificationItems.userId] })
    .returning()
  return row
}

/** Queues a message under its idempotency key, and links its items to it; a key already queued adds nothing. */
export async function queueMessage(
  tx: Transaction,
  values: typeof notificationMessages.$inferInsert,
  itemIds: string[],
): Promise<string | undefined> {
  const [row] = await tx
    .insert(notificationMessages)
    .values(values)
    .onConflictDoNothing({ target: notificationMessages.idempotencyKey })
    .returning({ id: notificationMessages.id })
  if (row && itemIds.length)
    await tx
      .update(notificationItems)
      .set({ messageId: row.id })
      .where(inArray(notificationItems.id, itemIds))
  return row?.id
}

export async function markDispatched(tx: Transaction, eventIds: string[], at: Date): Promise<void> {
  await tx
    .update(notificationEvents)
    .set({ dispatchedAt: at })
    .where(inArray(notificationEvents.id, eventIds))
}

export interface WaitingDigestItem {
  item: ItemRow
  event: EventRow
}

/**
 * Every item waiting for a digest of the people whose oldest waiting item was made at or before `dueBy`.
 * Each person is claimed whole for the transaction (a lock on the person, not on their items one by one:
 * two workers scanning at once would otherwise each take some of one person's items and send two
 * digests); a person another worker holds is skipped.
 */
export async function selectDueDigestItems(tx: Transaction, dueBy: Date): Promise<WaitingDigestItem[]> {
  const waiting = and(eq(notificationItems.delivery, 'digest'), isNull(notificationItems.messageId))
  const dueUsers = tx
    .selectDistinct({ userId: notificationItems.userId })
    .from(notificationItems)
    .where(and(waiting, lte(notificationItems.createdAt, dueBy)))
  const due = await dueUsers
  if (!due.length) return []
  const claimed = await queryRows<{ user_id: string }>(
    tx,
    sql`select user_id from unnest(${sql.param(due.map((row) => row.userId))}::uuid[]) as user_id
        where pg_try_advisory_xact_lock(hashtext('notification-digest'), hashtext(user_id::text))`,
  )
  const people = claimed.map((row) => row.user_id)
  if (!people.length) return []
  // Still due once claimed: a worker that held the person until just now has sent what was due.
  return tx
    .select({ item: notificationItems, event: notificationEvents })
    .from(notificationItems)
    .innerJoin(notificationEvents, eq(notificationEvents.id, notificationItems.eventId))
    .where(
      and(waiting, inArray(notificationItems.userId, people), inArray(notificationItems.userId, dueUsers)),
    )
    .orderBy(asc(notificationItems.userId), asc(notificationItems.createdAt), asc(notificationItems.id))
}

export async function selectEmails(tx: Transaction, userIds: string[]): Promise<Map<string, Recipient>> {
  if (!userIds.length) return new Map()
  const rows = await tx
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, forceId: users.forceId })
    .from(users)
    .where(and(inArray(users.id, userIds), isNull(users.disabledAt)))
  return new Map(rows.map((row) => [row.id, row]))
}

/**
 * Claims messages due to be sent: queued ones whose time has come, and ones claimed before whose lease
 * ran out (their worker died or hung). Rows another worker is claiming are skipped, so none is claimed
 * twice at once; claiming counts an attempt and sets the lease.
 */
export async function claimDueMessages(
  tx: Transaction,
  options: { now: Date; leaseUntil: Date; workerId: string; limit: number },
): Promise<MessageRow[]> {
  const { now } = options
  const due = await tx
    .select({ id: notificationMessages.id })
    .from(notificationMessages)
    .where(
      or(
        and(eq(notificationMessages.status, 'queued'), lte(notificationMessages.runAfter, now)),
        and(eq(notificationMessages.status, 'sending'), lt(notificationMessages.leaseUntil, now)),
      ),
    )
    .orderBy(asc(notificationMessages.runAfter))
    .limit(options.limit)
    .for('update', { skipLocked: true })
  // No write when nothing is due: every write tells each instance the data changed (migration 0021).
  if (!due.length) return []
  return tx
    .update(notificationMessages)
    .set({
      status: 'sending',
      attempts: sql`${notificationMessages.attempts} + 1`,
      leaseUntil: options.leaseUntil,
      claimedBy: options.workerId,
    })
    .where(
      inArray(
        notificationMessages.id,
        due.map((row) => row.id),
      ),
    )
    .returning()
}

/**
 * Records how a claimed message's sending ended, only while this worker's claim stands: a worker whose
 * lease ran out and whose message another worker claimed records nothing.
 */
export async function settleMessage(
  tx: Transaction,
  id: string,
  workerId: string,
  outcome: Partial<Pick<MessageRow, 'status' | 'sentAt' | 'lastError' | 'runAfter'>>,
): Promise<boolean> {
  const rows = await tx
    .update(notificationMessages)
    .set({ ...outcome, leaseUntil: null, claimedBy: null })
    .where(
      and(
        eq(notificationMessages.id, id),
        eq(notificationMessages.status, 'sending'),
        eq(notificationMessages.claimedBy, workerId),
      ),
    )
    .returning({ id: notificationMessages.id })
  return rows.length === 1
}

/** The forces that have accounts, whose due and overdue lists are worth looking at. */
export async function selectForcesWithUsers(tx: Transaction): Promise<number[]> {
  const rows = await tx
    .selectDistinct({ forceId: users.forceId })
    .from(users)
    .where(and(sql`${users.forceId} is not null`, isNull(users.disabledAt)))
  return rows.map((row) => row.forceId as number)
}

export async function selectOwnChoices(tx: Transaction, userId: string): Promise<NotificationChoices> {
  const [row] = await tx
    .select({ choices: notificationPreferences.choices })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId))
  return (row?.choices ?? {}) as NotificationChoices
}

export async function upsertChoices(
  tx: Transaction,
  values: { userId: string; forceId: number | null; choices: NotificationChoices; updatedAt: Date },
): Promise<void> {
  await tx
    .insert(notificationPreferences)
    .values(values)
    .onConflictDoUpdate({
      target: notificationPreferences.userId,
      set: { choices: values.choices, updatedAt: values.updatedAt },
    })
}

export const OUTBOX_LIMIT = 200

/** The messages to one force's people (null: the inspectorate's), newest first. */
export function selectOutbox(tx: Transaction, forceId: number | null): Promise<MessageRow[]> {
  return tx
    .select()
    .from(notificationMessages)
    .where(
      forceId === null ? isNull(notificationMessages.forceId) : eq(notificationMessages.forceId, forceId),
    )
    .orderBy(desc(notificationMessages.createdAt), asc(notificationMessages.id))
    .limit(OUTBOX_LIMIT)
}

export async function selectMessage(
  tx: Transaction,
  id: string,
  forceId: number | null,
): Promise<MessageRow | undefined> {
  const [row] = await tx
    .select()
    .from(notificationMessages)
    .where(
      and(
        eq(notificationMessages.id, id),
        forceId === null ? isNull(notificationMessages.forceId) : eq(notificationMessages.forceId, forceId),
      ),
    )
  return row
}
