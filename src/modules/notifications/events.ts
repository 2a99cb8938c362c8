import type { Transaction } from '../../db/tenancy.js'
import type { NotificationKind } from '../../domain/notifications.js'
import { notificationEvents } from './schema.js'

/** Something people may be told of, as the module where it happened records it. */
export interface NotificationEvent {
  forceId: number
  kind: NotificationKind
  /** What makes it this event: recorded again with the same key, it is still told once. */
  eventKey: string
  audience: 'caseworkers' | 'staff' | 'inspectors'
  /** For the audience 'staff': the member of staff told (through their account, if they have one). */
  staffMemberId?: string | null
  /** The page the message links back to. */
  path: string
  details?: Record<string, string>
}

/**
 * Records an event in the caller's transaction, so it stands or falls with the change it announces;
 * the notifications worker works out who to tell and sends the messages afterwards (src/modules/
 * notifications/worker.ts). Recording the same event twice records it once.
 */
export async function recordNotificationEvent(
  tx: Transaction,
  event: NotificationEvent,
  occurredAt: Date,
): Promise<void> {
  await tx
    .insert(notificationEvents)
    .values({
      ...event,
      staffMemberId: event.staffMemberId ?? null,
      details: event.details ?? {},
      occurredAt,
    })
    .onConflictDoNothing({ target: [notificationEvents.kind, notificationEvents.eventKey] })
}
