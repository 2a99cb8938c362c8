import { formatDay } from '../../web/forms.js'
import { CATALOGUES, inLanguageOf, type Language, LOCALES, translate } from '../../web/i18n/catalogue.js'
import type { StaffRequestRow } from '../policies/queries.js'

/**
 * A part of what an entry says: data as it was typed, a closed list's value or English said by code
 * (`{ value }`), a day, or a sum of money; each shown in the page's language.
 */
type Part = string | { value: string } | { day: string } | { money: number }

/** What an entry says: the catalogue's words for it, with its parts. */
export interface Said {
  key: string
  parts: Record<string, Part>
}

/** One record on a person's timeline, as the page shows it: newest first, each linking to its record. */
export interface TimelineEntry {
  /** ISO day: when it happened (applied, offered, contacted, opened, acknowledged or asked, found). */
  date: string
  kind: string
  says: Said
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

const moneyFormats = Object.fromEntries(
  Object.entries(LOCALES).map(([language, locale]) => [
    language,
    new Intl.NumberFormat(locale, { style: 'currency', currency: 'GBP' }),
  ]),
) as Record<Language, Intl.NumberFormat>

/** A closed list's value (`value.<value>`), or English said by code, in `language`; as the inLanguage filter. */
const valueIn = (language: Language, value: string) =>
  CATALOGUES.en[`value.${value}`] !== undefined
    ? translate(language, `value.${value}`)
    : inLanguageOf(language, value)

function partIn(language: Language, part: Part): string {
  if (typeof part === 'string') return part
  if ('value' in part) return valueIn(language, part.value)
  if ('day' in part) return formatDay(part.day, LOCALES[language])
  return moneyFormats[language].format(part.money)
}

/** What an entry says in `language`, its connecting words from the catalogue and its parts in place. */
export function sayIn(language: Language, said: Said): string {
  const params = Object.fromEntries(
    Object.entries(said.parts).map(([name, part]) => [name, partIn(language, part)]),
  )
  return translate(language, said.key, params)
}

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
  const name = { policy: request.policyTitle, number: String(request.number) }
  const href = `/policies/versions/${request.versionId}`
  if (request.acknowledgedOn)
    return {
      date: request.acknowledgedOn,
      kind: 'Policy acknowledged',
      says: { key: 'ip.entry.policy', parts: name },
      href,
      status: tag('acknowledged'),
    }
  return {
    date: request.requestedOn,
    kind: 'Policy to acknowledge',
    says: { key: 'ip.entry.policyDue', parts: { ...name, due: { day: request.dueOn } } },
    href,
    status: tag(request.dueOn < today ? 'overdue' : 'waiting'),
  }
}

/** Every register's records about the person on one timeline, newest first. */
export function timelineOf(records: PersonRecords, today: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...records.secondJobs.map(
      (job): TimelineEntry => ({
        date: job.submittedOn,
        kind: 'Second job',
        says: job.employer
          ? { key: 'ip.entry.secondJob', parts: { nature: job.nature, employer: job.employer } }
          : { key: 'ip.entry.secondJobNature', parts: { nature: job.nature } },
        href: `/business-interests/${job.id}`,
        status: tag(job.status),
      }),
    ),
    ...records.gifts.map((gift) => ({
      date: gift.offeredOn,
      kind: gift.kind === 'hospitality' ? 'Hospitality offered' : 'Gift offered',
      says: {
        key: 'ip.entry.gift',
        parts: {
          description: gift.description,
          donor: gift.donorName,
          value: { money: gift.estimatedValue },
        },
      },
      href: `/gifts-hospitality/${gift.id}`,
      status: tag(gift.outcome),
    })),
    ...records.mediaContacts.map((contact) => ({
      date: contact.contactOn,
      kind: 'Media contact',
      says: {
        key: 'ip.entry.mediaContact',
        parts: { journalist: contact.journalist, outlet: contact.outlet, purpose: contact.purpose },
      },
      href: `/media-contacts/${contact.id}`,
      status: null,
    })),
    ...records.cases.map((found) => ({
      date: found.openedOn,
      kind: 'Case as a subject',
      says: {
        key: found.readable ? 'ip.entry.case' : 'ip.entry.caseConfidential',
        parts: { reference: found.reference, type: { value: found.type } },
      },
      href: `/cases/${found.id}`,
      status: tag(found.status),
    })),
    ...records.policies.map((request) => policyEntry(request, today)),
    ...records.alerts.map((alert) => ({
      date: alert.occurredOn,
      kind: 'Alert',
      says: {
        key: 'ip.entry.alert',
        parts: { rule: { value: alert.ruleTitle }, reason: { value: alert.reason } },
      },
      href: `/alerts/${alert.id}`,
      status: tag(alert.status),
    })),
  ]
  return entries.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
}
