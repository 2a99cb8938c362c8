import { DELIVERIES, DELIVERY_LABELS } from '../../domain/notifications.js'
import type { MessageRow } from './queries.js'
import type { PreferenceRow } from './service.js'

const STATUS_LABELS: Record<MessageRow['status'], string> = {
  queued: 'Waiting to be sent',
  sending: 'Being sent',
  sent: 'Sent',
  outbox: 'In the outbox (no SMTP server is set)',
  failed: 'Failed',
}

/** A message as the outbox lists it: to whom, what, and where it stands. */
export function outboxRow(message: MessageRow) {
  return {
    id: message.id,
    to: message.toAddress,
    subject: message.subject,
    status: STATUS_LABELS[message.status],
    createdAt: message.createdAt,
    sentAt: message.sentAt,
    attempts: message.attempts,
    lastError: message.lastError,
    body: message.body,
  }
}

/** The preferences form: a question per kind, its radios checked as chosen (or as just typed, after an error). */
export function preferenceQuestions(rows: PreferenceRow[], typed?: Record<string, unknown>) {
  return rows.map((row) => ({
    name: row.kind,
    legend: row.label,
    items: DELIVERIES.map((delivery) => ({
      value: delivery,
      text: DELIVERY_LABELS[delivery],
      checked: (typed ? typed[row.kind] : row.delivery) === delivery,
    })),
  }))
}
