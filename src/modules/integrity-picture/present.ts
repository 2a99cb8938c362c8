import { formatDay } from '../../web/forms.js'
import type { StaffRequestRow } from '../policies/queries.js'

/** One record on a person's timeline, as the page shows it: newest first, each linking to its record. */
export interface TimelineEntry {
  /** ISO day: when it happened (applied, offered, contacted, opened, acknowledged or asked, found). */
  date: string
  kind: string
  text: string
  href: string
  status: { text: string; classes: string } | null
}

/** The colour of a status's tag: green for what is settled well, red for what needs someone, grey for what is over. */
const TAG_CLASSES: Record<string, string> = {
  approved: 'govuk-tag--green',
  'approved with conditions': 'govuk-tag--green',
  accepted: 'govuk-tag--green',
  acknowledged: 'govuk-tag--green',
  refused: 'govuk-tag--red',
  overdue: 'govuk-tag--red',
  open: 'govuk-tag--red',
  declined: 'govuk-tag--grey',
  withdrawn: 'govuk-tag--grey',
  expired: 'govuk-tag--grey',
  revoked: 'govuk-tag--grey',
  closed: 'govuk-tag--grey',
  dismissed: 'govuk-tag--grey',
}

const tag = (status: string) => ({
  text: status.charAt(0).toUpperCase() + status.slice(1),
  classes: TAG_CLASSES[status] ?? 'govuk-tag--blue',
})

const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })

export interface PersonRecords {
  secondJobs: { id: string; submittedOn: string; nature: string; employer: string | null; status: string }[]
  gifts: {
    id: string
    offeredOn: string
    kind: string
    description: string
    donorName: string
    estimatedValue: number
    outcome: string
  }[]
  mediaContacts: { id: string; contactOn: string; journalist: string; outlet: string; purpose: string }[]
  cases: {
    id: string
    openedOn: string
    reference: string
    type: string
    status: string
    readable: boolean
  }[]
  policies: StaffRequestRow[]
  alerts: { id: string; occurredOn: string; ruleTitle: string; reason: string; status: string }[]
}

/** A policy request's entry: acknowledged on a day, or asked and still waiting (overdue past its due day). */
function policyEntry(request: StaffRequestRow, today: string): TimelineEntry {
  const name = `${request.policyTitle}, version ${request.number}`
  const href = `/policies/versions/${request.versionId}`
  if (request.acknowledgedOn)
    return {
      date: request.acknowledgedOn,
      kind: 'Policy acknowledged',
      text: name,
      href,
      status: tag('acknowledged'),
    }
  return {
    date: request.requestedOn,
    kind: 'Policy to acknowledge',
    text: `${name} (due ${formatDay(request.dueOn)})`,
    href,
    status: tag(request.dueOn < today ? 'overdue' : 'waiting'),
  }
}

/** Every register's records about the person on one timeline, newest first. */
export function timelineOf(records: PersonRecords, today: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...records.secondJobs.map((job) => ({
      date: job.submittedOn,
      kind: 'Second job',
      text: job.employer ? `${job.nature} (${job.employer})` : job.nature,
      href: `/business-interests/${job.id}`,
      status: tag(job.status),
    })),
    ...records.gifts.map((gift) => ({
      date: gift.offeredOn,
      kind: gift.kind === 'hospitality' ? 'Hospitality offered' : 'Gift offered',
      text: `${gift.description} from ${gift.donorName}, ${money.format(gift.estimatedValue)}`,
      href: `/gifts-hospitality/${gift.id}`,
      status: tag(gift.outcome),
    })),
    ...records.mediaContacts.map((contact) => ({
      date: contact.contactOn,
      kind: 'Media contact',
      text: `${contact.journalist}, ${contact.outlet}: ${contact.purpose}`,
      href: `/media-contacts/${contact.id}`,
      status: null,
    })),
    ...records.cases.map((found) => ({
      date: found.openedOn,
      kind: 'Case as a subject',
      text: `${found.reference}: ${found.type}${found.readable ? '' : ' (confidential)'}`,
      href: `/cases/${found.id}`,
      status: tag(found.status),
    })),
    ...records.policies.map((request) => policyEntry(request, today)),
    ...records.alerts.map((alert) => ({
      date: alert.occurredOn,
      kind: 'Alert',
      text: `${alert.ruleTitle}: ${alert.reason}`,
      href: `/alerts/${alert.id}`,
      status: tag(alert.status),
    })),
  ]
  return entries.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
}
