import { DIGEST_AFTER_MS } from '../../domain/notifications.js'
import type { Services } from '../../services.js'
import type { NotificationWorker } from './worker.js'

/** Rounds until one finds nothing more to do: the demo's seeding records more events than one round takes. */
async function workUntilIdle(worker: NotificationWorker): Promise<void> {
  for (;;) {
    const round = await worker.runOnce()
    if (!round.dispatched && !round.queued && !round.sent && !round.retried) return
  }
}

/**
 * The demo's clock stands still on its as-at day, so a daily digest (which goes once its oldest item is
 * a day old) would never go. So the demo's notifications are worked through as they would have been:
 * what the seeding recorded, and the reviews due, are handed out on the eve of the as-at day (emails
 * sent at once go then; digest items wait), and the as-at day's rounds send each person's digest. Without
 * SMTP_URL both wait on the administrators' outbox page, as any email does.
 */
export async function seedDemoNotifications(services: Services): Promise<void> {
  const { notifications } = services
  const eve = () => new Date(notifications.now().getTime() - DIGEST_AFTER_MS - 60_000)
  await notifications.scanDue()
  await workUntilIdle(notifications.createWorker({ now: eve }))
  await workUntilIdle(notifications.createWorker())
}
