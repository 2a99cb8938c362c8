import type { Caller } from '../../domain/access.js'
import { callerHas } from '../../domain/access.js'
import type { ForceDashboard } from './service.js'

/**
 * The dashboard as the page shows it: cards of figures, each linked to its register's list filtered to
 * what the figure counts, where that list has such a filter. The inspectorate's links name the force;
 * lists that cannot be narrowed to one force for the inspectorate (gifts, media contacts) are not linked.
 */

export interface Figure {
  key: string
  value: string
  /** Where the figure's records are listed; none when no list filter matches it. */
  href?: string
  /** Said to screen readers after the figure in the link: what the number counts. */
  hidden?: string
  tag?: { text: string; classes: string }
  /** A day the value is as at, for the page to write in its language (the value is the English). */
  asOf?: string
}

export interface Card {
  id: string
  title: string
  /** The register's own page, for the card's action. */
  href?: string
  hrefText?: string
  figures: Figure[]
}

const numberFormat = new Intl.NumberFormat('en-GB')
const moneyFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })
const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

export const formatDay = (iso: string) => dayFormat.format(new Date(`${iso}T00:00:00Z`))
const count = (value: number) => numberFormat.format(value)

/** A rate as people read it: 25%, 33.3%; "no one asked" when nobody was. */
export function percent(rate: number | null): string {
  if (rate === null) return 'No one asked yet'
  const value = Math.round(rate * 1000) / 10
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)}%`
}

function link(path: string, query: Record<string, string | undefined>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value)
  const text = search.toString()
  return text ? `${path}?${text}` : path
}

const attention = (value: number, text: string) =>
  value > 0 ? { text, classes: 'govuk-tag--red' } : undefined

export function cardsOf(dashboard: ForceDashboard, caller: Caller): Card[] {
  const inspectorate = caller.scope.kind === 'inspectorate'
  // The inspectorate's links name the force; a force's own lists are already theirs.
  const force = inspectorate ? dashboard.force.code : undefined
  const year = dashboard.financialYear
  const jobs = dashboard.secondJobs
  const gifts = dashboard.giftsHospitality
  const cases = dashboard.integrityCases
  const awareness = dashboard.policyAwareness
  const giftsLink = (outcome?: string) =>
    inspectorate
      ? undefined
      : link('/gifts-hospitality', { outcome, offeredFrom: year.from, offeredTo: year.to })
  const staffing = dashboard.acuStaffing
  return [
    {
      id: 'second-jobs',
      title: 'Second jobs',
      href: link('/business-interests', { force }),
      hrefText: 'All second jobs',
      figures: [
        {
          key: 'Current: approved',
          value: count(jobs.currentApproved),
          href: link('/business-interests', { force, status: 'approved' }),
          hidden: 'second jobs approved and current',
        },
        {
          key: 'Current: approved with conditions',
          value: count(jobs.currentApprovedWithConditions),
          href: link('/business-interests', { force, status: 'approved with conditions' }),
          hidden: 'second jobs approved with conditions and current',
        },
        {
          key: 'Awaiting a decision',
          value: count(jobs.awaitingDecision),
          href: link('/business-interests', { force, status: 'submitted' }),
          hidden: 'applications awaiting a decision',
        },
        {
          key: `Reviews or expiries due in the next ${jobs.reviewWindowDays} days (or past)`,
          value: count(jobs.reviewsDue),
          href: link('/business-interests/reviews-due', { force, days: String(jobs.reviewWindowDays) }),
          hidden: 'reviews or expiries due',
          tag: attention(jobs.reviewsDue, 'Due'),
        },
        { key: 'Appeals open', value: count(jobs.appealsOpen) },
      ],
    },
    {
      id: 'gifts-hospitality',
      title: `Gifts and hospitality, financial year ${year.label}`,
      href: inspectorate ? undefined : link('/gifts-hospitality', {}),
      hrefText: 'All gifts and hospitality',
      figures: [
        {
          key: 'Offered',
          value: count(gifts.offered),
          href: giftsLink(),
          hidden: 'gifts and hospitality offered',
        },
        {
          key: 'Accepted',
          value: count(gifts.accepted),
          href: giftsLink('accepted'),
          hidden: 'gifts and hospitality accepted',
        },
        {
          key: 'Declined',
          value: count(gifts.declined),
          href: giftsLink('declined'),
          hidden: 'gifts and hospitality declined',
        },
        {
          key: 'Total value accepted',
          value: moneyFormat.format(gifts.valueAccepted),
          href: giftsLink('accepted'),
          hidden: 'in value of gifts and hospitality accepted',
        },
      ],
    },
    {
      id: 'media-contacts',
      title: `Media contacts, financial year ${year.label}`,
      href: inspectorate ? undefined : link('/media-contacts', {}),
      hrefText: 'All media contacts',
      figures: [
        {
          key: 'Contacts logged',
          value: count(dashboard.mediaContacts.contacts),
          href: inspectorate ? undefined : link('/media-contacts', { from: year.from, to: year.to }),
          hidden: 'media contacts logged',
        },
      ],
    },
    {
      id: 'integrity-cases',
      title: 'Integrity cases',
      href: link('/cases', { force }),
      hrefText: 'All cases',
      figures: [
        {
          key: 'Open',
          value: count(cases.open),
          href: link('/cases', { force, status: 'open' }),
          hidden: 'cases open',
        },
        {
          key: 'Continuing',
          value: count(cases.continuing),
          href: link('/cases', { force, status: 'continuing' }),
          hidden: 'cases continuing',
        },
        {
          key: 'Past their target date',
          value: count(cases.pastTarget),
          href: link('/cases', { force, overdue: 'yes' }),
          hidden: 'cases past their target date',
          tag: attention(cases.pastTarget, 'Overdue'),
        },
        {
          key: 'Confidential (open or continuing)',
          value: count(cases.confidential),
          tag: cases.confidential > 0 ? { text: 'Restricted', classes: 'govuk-tag--grey' } : undefined,
        },
      ],
    },
    {
      id: 'referrals',
      title: 'Referrals from the inspectorate',
      href: link('/referrals', { force }),
      hrefText: 'All referrals',
      figures: [
        {
          key: 'Social-media referrals awaiting a response',
          value: count(dashboard.referrals.socialMediaAwaiting),
        },
        {
          key: 'All referrals awaiting a response',
          value: count(dashboard.referrals.awaiting),
          href: link('/referrals', { force, status: 'awaiting response' }),
          hidden: 'referrals awaiting a response',
          tag: attention(dashboard.referrals.awaiting, 'Awaiting'),
        },
      ],
    },
    {
      id: 'acu-staffing',
      title: 'Anti-corruption unit staffing',
      href: link('/acu-staffing', { force }),
      hrefText: 'Unit staffing',
      figures: staffing
        ? [
            { key: 'Latest figures', value: `As at ${formatDay(staffing.asOf)}`, asOf: staffing.asOf },
            { key: 'Posts funded (FTE)', value: count(staffing.postsFunded) },
            { key: 'Posts filled (FTE)', value: count(staffing.postsFilled) },
          ]
        : [{ key: 'Latest figures', value: 'None recorded' }],
    },
    {
      id: 'policy-awareness',
      title: 'Policy awareness',
      href: link('/policies/awareness', { force }),
      hrefText: 'Awareness by policy',
      figures: [
        {
          key: 'Acknowledged, current versions',
          value:
            awareness.applicable > 0
              ? `${percent(awareness.rate)} (${count(awareness.acknowledged)} of ${count(awareness.applicable)} asked, ${count(awareness.currentVersions)} ${awareness.currentVersions === 1 ? 'version' : 'versions'})`
              : percent(null),
          href: link('/policies/awareness', { force }),
          hidden: 'policy awareness by version',
        },
        {
          key: 'Staff overdue',
          value: `${count(awareness.overdueStaff)} (${count(awareness.overdueAcknowledgements)} ${awareness.overdueAcknowledgements === 1 ? 'acknowledgement' : 'acknowledgements'} past the deadline)`,
          // The reminders list is the force's caseworkers' own; the inspectorate sees awareness by version.
          href:
            !inspectorate && callerHas(caller, ['force-caseworker'])
              ? '/policies/reminders'
              : link('/policies/awareness', { force }),
          hidden: 'staff overdue',
          tag: attention(awareness.overdueStaff, 'Overdue'),
        },
      ],
    },
  ]
}

/** Open and continuing cases by type, for the cases table; types with none are left out. */
export function caseTypeRows(dashboard: ForceDashboard, caller: Caller) {
  const force = caller.scope.kind === 'inspectorate' ? dashboard.force.code : undefined
  return dashboard.integrityCases.byType
    .filter((row) => row.open + row.continuing > 0)
    .map((row) => ({
      type: row.type,
      open: { value: count(row.open), href: link('/cases', { force, type: row.type, status: 'open' }) },
      continuing: {
        value: count(row.continuing),
        href: link('/cases', { force, type: row.type, status: 'continuing' }),
      },
    }))
}
