import type { ReportStatus } from '../../domain/confidential-reports.js'
import type { MessageRow } from './queries.js'

export const STATUS_TAGS: Record<ReportStatus, { text: string; classes: string }> = {
  open: { text: 'Open', classes: 'govuk-tag--blue' },
  attached: { text: 'In a case', classes: 'govuk-tag--green' },
  closed: { text: 'Closed', classes: 'govuk-tag--grey' },
}

/** How much of a report the queue shows before its page is opened. */
const EXCERPT_CHARACTERS = 160

/** One report in the queue: its receipt, day, whether named, the start of the account, and whose turn it is. */
export function presentQueueRow(row: {
  id: string
  receiptCode: string
  receivedOn: string
  reporterName: string | null
  account: string
  lastAuthor: 'reporter' | 'unit' | null
}) {
  const excerpt =
    row.account.length > EXCERPT_CHARACTERS
      ? `${row.account.slice(0, EXCERPT_CHARACTERS).trimEnd()}…`
      : row.account
  return {
    id: row.id,
    receiptCode: row.receiptCode,
    receivedOn: row.receivedOn,
    reporter: row.reporterName ?? 'Anonymous',
    excerpt,
    waiting:
      row.lastAuthor === 'reporter'
        ? 'New answer from the reporter'
        : row.lastAuthor === 'unit'
          ? 'Awaiting the reporter'
          : 'Not yet answered',
  }
}

/** The conversation as the unit reads it: who wrote each message, and when. */
export function presentMessages(messages: MessageRow[]) {
  return messages.map((message) => ({
    from: message.author === 'reporter' ? 'The reporter' : (message.authorLabel ?? 'The unit'),
    fromUnit: message.author === 'unit',
    body: message.body,
    sentOn: message.sentOn,
  }))
}
